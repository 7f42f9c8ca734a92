/**
 * Readers for environment variables whose invalid values must fail with one line naming the
 * variable, the value and what is allowed (an operator fixes config from that line alone).
 */
import { Config, ConfigError, Either, Option } from "effect"

const invalid = (name: string, raw: string, allowed: string) =>
  ConfigError.InvalidData([], `${name}='${raw}' is invalid: expected ${allowed}`)

const INTEGER = /^[+-]?\d+$/

/** The variable's trimmed value, or none when it is unset or blank. */
const present = (name: string): Config.Config<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(
    Config.map(Option.flatMap((raw) => (raw.trim() === "" ? Option.none() : Option.some(raw))))
  )

const INTEGER_KIND = { test: (raw: string) => INTEGER.test(raw), noun: "an integer" }
const NUMBER_KIND = { test: (raw: string) => Number.isFinite(Number(raw)), noun: "a number" }

/** A number of `kind` in [min, max], or none when unset. */
const optionalBetween = (name: string, min: number, max: number, kind: typeof INTEGER_KIND) =>
  present(name).pipe(
    Config.mapOrFail((value) => {
      if (Option.isNone(value)) return Either.right(Option.none<number>())
      const raw = value.value.trim()
      const parsed = Number(raw)
      return kind.test(raw) && parsed >= min && parsed <= max
        ? Either.right(Option.some(parsed))
        : Either.left(invalid(name, value.value, `${kind.noun} from ${min} to ${max}`))
    })
  )

export const optionalIntegerBetween = (
  name: string,
  min: number,
  max: number
): Config.Config<Option.Option<number>> => optionalBetween(name, min, max, INTEGER_KIND)

/** An integer in [min, max]; `fallback` when unset. */
export const integerBetween = (
  name: string,
  fallback: number,
  min: number,
  max: number
): Config.Config<number> =>
  optionalIntegerBetween(name, min, max).pipe(Config.map(Option.getOrElse(() => fallback)))

/** A number in [min, max]; `fallback` when unset. */
export const numberBetween = (
  name: string,
  fallback: number,
  min: number,
  max: number
): Config.Config<number> =>
  optionalBetween(name, min, max, NUMBER_KIND).pipe(Config.map(Option.getOrElse(() => fallback)))

/** One of a fixed set of words (any case); `fallback` when unset. */
export const oneOf = <const A extends string>(
  name: string,
  allowed: ReadonlyArray<A>,
  fallback: A
): Config.Config<A> =>
  present(name).pipe(
    Config.mapOrFail((value) => {
      if (Option.isNone(value)) return Either.right(fallback)
      const match = allowed.find((word) => word === value.value.trim().toLowerCase())
      return match === undefined
        ? Either.left(invalid(name, value.value, `one of ${allowed.join(", ")}`))
        : Either.right(match)
    })
  )

/** `true`/`1` or `false`/`0`, any case; `fallback` when unset. */
export const flag = (name: string, fallback: boolean): Config.Config<boolean> =>
  oneOf(name, ["true", "1", "false", "0"], fallback ? "true" : "false").pipe(
    Config.map((word) => word === "true" || word === "1")
  )

/** A variable that must be set; the message says what it is for. */
export const required = (name: string, purpose: string): Config.Config<string> =>
  present(name).pipe(
    Config.mapOrFail((value) =>
      Option.isSome(value)
        ? Either.right(value.value.trim())
        : Either.left(ConfigError.MissingData([], `${name} is not set: ${purpose}`))
    )
  )

export const optionalString = (name: string): Config.Config<Option.Option<string>> =>
  present(name).pipe(Config.map(Option.map((raw) => raw.trim())))

/** Every message in a ConfigError, one per line, without Effect's path decoration. */
export const configErrorLines = (error: ConfigError.ConfigError): ReadonlyArray<string> =>
  ConfigError.reduceWithContext<undefined, ReadonlyArray<string>>(error, undefined, {
    andCase: (_, left, right) => [...left, ...right],
    orCase: (_, left, right) => [...left, ...right],
    invalidDataCase: (_, path, message) => [withPath(path, message)],
    missingDataCase: (_, path, message) => [withPath(path, message)],
    sourceUnavailableCase: (_, path, message) => [withPath(path, message)],
    unsupportedCase: (_, path, message) => [withPath(path, message)]
  })

const withPath = (path: ReadonlyArray<string>, message: string) =>
  path.length === 0 ? message : `${path.join(".")}: ${message}`
