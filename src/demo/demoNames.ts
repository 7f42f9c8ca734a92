/**
 * How the demo catalog names artists: the drift a known artist's name suffers in a station's
 * catalog (every drifted spelling stays reachable by LML's lookup cascade), and names put
 * together from parts that no entity in LML's store answers to.
 */
import { pick } from "./demoDraws.js"
import { unknownNameParts } from "./demoDiscography.js"

const driftings: ReadonlyArray<(name: string) => string> = [
  (name) => name.toUpperCase(),
  (name) => name.toLowerCase(),
  (name) => name.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC"),
  (name) => (name.includes("&") ? name.replace(/&/g, "and") : name.replace(/ and /g, " & ")),
  (name) => name.replace(/'/g, "\u2019")
]

/** One of the spellings of `name` that differ from it (there is always the upper-case one). */
export const drifted = (name: string, value: number): string =>
  pick(
    driftings.map((drift) => drift(name)).filter((spelling) => spelling !== name),
    value
  )

/** A band or a person LML has never heard of, from two independent draws. */
export const unknownArtistName = (a: number, b: number): string => {
  const { bandAdjectives, bandNouns, givenNames, familyNames } = unknownNameParts
  return a % 2 === 0
    ? `${a % 4 === 0 ? "The " : ""}${pick(bandAdjectives, a >>> 2)} ${pick(bandNouns, b)}`
    : `${pick(givenNames, a >>> 2)} ${pick(familyNames, b)}`
}
