/**
 * The fast paths in `Verdict.ts` against the Schemas they stand in for. On results generated from
 * the Schemas (valid ones, the looser shapes of their encoded side, and valid ones broken at one
 * spot) and on the hostile results the other tests use, the fast path and the Schema accept and
 * refuse the same results and decode them to the same value, and `toVerdict` gives the verdict
 * the Schema alone gave before the fast paths existed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, Option, ParseResult, Predicate, Schema } from "effect"
import fc from "fast-check"
import { LibraryId } from "../../src/domain/LmlWire.js"
import { toCompilationCredits } from "../../src/domain/TrackCredits.js"
import {
  claimedLibraryId,
  CompilationResult,
  decodeCompilationFast,
  decodeSingleArtistFast,
  SingleArtistResult,
  type SourceRow,
  toVerdict,
  Verdict
} from "../../src/domain/Verdict.js"
import {
  compilation,
  compilationWithTracks,
  refusedResults,
  singleArtist,
  track,
  unresolved
} from "../support/wire.js"

const RUNS = { numRuns: 2_000 }
const id = LibraryId.make(7)

// --- The reference: `toVerdict` as it was, the Schemas alone

const decodeSingleArtist = Schema.decodeUnknownEither(SingleArtistResult)
const decodeCompilation = Schema.decodeUnknownEither(CompilationResult)
const decodeClaim = Schema.decodeUnknownOption(Schema.Struct({ library_id: LibraryId }))

const invalid = (error: ParseResult.ParseError) =>
  Verdict.Invalid({ library_id: id, reason: ParseResult.TreeFormatter.formatErrorSync(error) })

const singleArtistBySchema = (raw: unknown): Verdict =>
  Either.match(decodeSingleArtist(raw), {
    onLeft: invalid,
    onRight: (result) => {
      const sources = result.provenance.filter(
        (entry): entry is typeof entry & SourceRow => entry.confidence !== null && entry.external_id !== null
      )
      return Verdict.Resolved({
        resolution: {
          library_id: id,
          main: result.main,
          method: result.method,
          confidence: result.confidence,
          sources,
          nullConfidenceSources: result.provenance.length - sources.length
        }
      })
    }
  })

const compilationBySchema = (raw: unknown, tracksContractV1: boolean): Verdict =>
  Either.match(decodeCompilation(raw), {
    onLeft: invalid,
    onRight: ({ tracks_attempted, tracks }) => {
      const attempted = tracks_attempted === true || (tracks_attempted === false && (tracks?.length ?? 0) > 0)
      return tracksContractV1 && attempted
        ? Verdict.CompilationWithTracks({ credits: toCompilationCredits(id, tracks ?? []) })
        : Verdict.Compilation({ library_id: id })
    }
  })

// --- Generators

/** Values a broken result might carry: wrong types, out of range, NUL, injection, and anything at all. */
const hostileValue = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    "",
    "Q1\u0000; DROP TABLE library",
    "'; DROP TABLE library; --",
    "\u202Eموسيقى\u200F עברית",
    -0,
    -0.1,
    0,
    0.5,
    1,
    1.01,
    1.5,
    7,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    "1",
    true,
    false,
    [],
    {},
    "vibes",
    "myspace",
    "single_artist",
    "compilation",
    "exact_match",
    "discogs"
  ),
  fc.anything()
)

type Path = ReadonlyArray<string>

/** Every key and index inside `value`, as paths from its root. */
const pathsOf = (value: unknown, at: Path = []): Array<Path> =>
  typeof value === "object" && value !== null
    ? Object.keys(value).flatMap((key) => [
        [...at, key],
        ...pathsOf((value as Record<string, unknown>)[key], [...at, key])
      ])
    : []

/**
 * One path of `raw`, chosen so that every key name is as likely as any other (a compilation has
 * far more paths under its credits' sources than it has `track_position`s).
 */
const pickPath = (raw: unknown, pick: number, accept: (value: unknown) => boolean): Path | undefined => {
  const byName = new Map<string, Array<Path>>()
  for (const path of pathsOf(raw)) {
    if (!accept(valueAt(raw, path))) continue
    const last = path[path.length - 1] ?? ""
    const name = /^\d+$/.test(last) ? "[]" : last
    byName.set(name, [...(byName.get(name) ?? []), path])
  }
  const names = [...byName.values()]
  const paths = names[pick % Math.max(1, names.length)]
  return paths?.[Math.floor(pick / names.length) % paths.length]
}

const valueAt = (raw: unknown, path: Path): unknown =>
  path.reduce((node: unknown, key) => (node as Record<string, unknown>)[key], raw)

/** `raw` with the value at `path` replaced by what `change` makes of it, or deleted (`undefined`). */
const changeAt = (raw: unknown, path: Path, change: (value: unknown) => unknown): unknown => {
  const copy: unknown = structuredClone(raw)
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string, unknown>
  const last = path[path.length - 1] ?? ""
  const changed = change(parent[last])
  if (changed === undefined) delete parent[last]
  else parent[last] = changed
  return copy
}

/** Valid results broken at one spot: a hostile value, a key deleted, or a NUL added to a string. */
const broken = <A>(valid: fc.Arbitrary<A>) =>
  fc.oneof(
    fc.tuple(valid, fc.nat(), hostileValue).map(([raw, pick, value]) => {
      const path = pickPath(raw, pick, () => true)
      return path === undefined ? value : changeAt(raw, path, () => value)
    }),
    fc.tuple(valid, fc.nat()).map(([raw, pick]) => {
      const path = pickPath(raw, pick, () => true)
      return path === undefined ? raw : changeAt(raw, path, () => undefined)
    }),
    fc.tuple(valid, fc.nat()).map(([raw, pick]) => {
      const path = pickPath(raw, pick, (value) => typeof value === "string")
      return path === undefined ? raw : changeAt(raw, path, (value) => `${String(value)}\u0000`)
    })
  )

/** Valid results as LML sends them, from the Schema. */
const validSingleArtist = Arbitrary.make(SingleArtistResult).map(Schema.encodeSync(SingleArtistResult))
const validCompilation = Arbitrary.make(CompilationResult).map((result) => ({
  ...compilation(7),
  ...Schema.encodeSync(CompilationResult)(result)
}))

/** The Schema's encoded side without its filters: keys may be missing, numbers any, strings NUL. */
const looseSingleArtist = Arbitrary.make(Schema.encodedSchema(SingleArtistResult))
const looseCompilation = Arbitrary.make(Schema.encodedSchema(CompilationResult))

/** A valid result whose provenance names a storable source twice, which the Schema refuses. */
const repeatedSource = validSingleArtist.map((raw) => {
  const storable = raw.provenance.find((entry) => entry.confidence !== null)
  return storable === undefined ? raw : { ...raw, provenance: [...raw.provenance, { ...storable }] }
})

// --- Hostile results the other tests use

const knownSingleArtists: Record<string, unknown> = {
  // Every result verdict.test.ts checks is refused.
  ...refusedResults,
  "the contract's example": singleArtist(7),
  "a missing key of main": { ...singleArtist(7), main: { discogs_artist_id: 2154 } },
  "entries without a confidence": singleArtist(7, {
    provenance: [
      { source: "discogs", method: "exact_match", confidence: 1, external_id: "2154" },
      { source: "spotify", method: "exact_match", confidence: null, external_id: null },
      { source: "bandcamp", method: "trigram", confidence: null, external_id: "slug" }
    ]
  }),
  "a NUL character after SQL": singleArtist(7, { main: { wikidata_qid: "Q1\u0000; DROP TABLE library" } }),
  "hostile but legal strings": singleArtist(7, {
    main: {
      spotify_artist_id: "'; DROP TABLE library; --",
      wikidata_qid: `Q"quoted" 'single' \\back\\slash {braces,}`,
      bandcamp_id: "🎸🎶 Björk ✨",
      apple_music_artist_id: "\u202Eموسيقى\u200F עברית",
      musicbrainz_artist_id: "x".repeat(10_240)
    },
    provenance: [
      { source: "spotify", method: "exact_match", confidence: 1, external_id: "'; DROP TABLE library; --" }
    ]
  }),
  "a library_id as a string": { ...singleArtist(7), library_id: "7" },
  // Only own keys count for the keys that may be missing, as in the Schema.
  "main with inherited keys": { ...singleArtist(7), main: Object.create({ wikidata_qid: 5 }) as unknown }
}

const { sources: _, ...creditWithoutSources } = track("Stereolab", "Refractions")
const { track_position: __, ...creditWithoutPosition } = track("Stereolab", "Refractions")
const knownCompilations: Record<string, unknown> = {
  "without credits": compilation(7),
  "with keys missing": { kind: "compilation", library_id: 7 },
  "with credits": compilationWithTracks(7, [track("Low", "Words"), track("Lo\u0000w", "Words")]),
  "with a credit missing a key": compilationWithTracks(7, [creditWithoutSources]),
  "with a credit missing its position": compilationWithTracks(7, [creditWithoutPosition]),
  "with a NUL in a credit's artist only": compilationWithTracks(7, [
    track("Lo\u0000w", "Words", { resolved_artist_name: "Low" })
  ]),
  "with a credit's artist a number": compilationWithTracks(7, [
    { ...track("Low", "Words"), resolved_artist_name: 42 }
  ]),
  "with a credit's method unknown": compilationWithTracks(7, [track("Low", "Words", { method: "vibes" })]),
  "with a credit's confidence out of range": compilationWithTracks(7, [
    track("Low", "Words", { confidence: 7 })
  ]),
  "tracks_attempted not a boolean": { ...compilation(7), tracks_attempted: "yes", tracks: [] },
  "tracks_attempted false with credits": compilationWithTracks(7, [track("Low", "Words")], false),
  "tracks null but attempted": { ...compilation(7), tracks_attempted: true }
}

// --- The properties

const singleArtistAgrees = (raw: unknown) => {
  const reference = decodeSingleArtist(raw)
  const fast = decodeSingleArtistFast(raw)
  if (Either.isRight(reference)) expect(fast).toStrictEqual(reference.right)
  else expect(fast).toBeUndefined()
  // `toVerdict` reaches the single_artist path only for a result whose kind says so.
  if (Predicate.hasProperty(raw, "kind") && raw.kind === "single_artist") {
    expect(toVerdict(id, raw)).toStrictEqual(singleArtistBySchema(raw))
  }
}

const compilationAgrees = (raw: unknown) => {
  const reference = decodeCompilation(raw)
  const fast = decodeCompilationFast(raw)
  if (Either.isRight(reference)) expect(fast).toStrictEqual(reference.right)
  else expect(fast).toBeUndefined()
  // `toVerdict` reaches the compilation path only for a record whose kind says so.
  if (!Predicate.isRecord(raw)) return
  const result = { ...raw, kind: "compilation" }
  for (const tracksContractV1 of [false, true]) {
    expect(toVerdict(id, result, tracksContractV1)).toStrictEqual(
      compilationBySchema(result, tracksContractV1)
    )
  }
}

describe("decodeSingleArtistFast agrees with SingleArtistResult", () => {
  it("on valid results generated from the Schema", () => {
    fc.assert(
      fc.property(validSingleArtist, (raw) => {
        expect(decodeSingleArtistFast(raw)).toBeDefined()
        singleArtistAgrees(raw)
      }),
      RUNS
    )
  })

  it("on the Schema's encoded side without its filters", () => {
    fc.assert(fc.property(looseSingleArtist, singleArtistAgrees), RUNS)
  })

  it("on valid results broken at one spot", () => {
    fc.assert(fc.property(broken(validSingleArtist), singleArtistAgrees), RUNS)
  })

  it("on a source named twice", () => {
    fc.assert(fc.property(repeatedSource, singleArtistAgrees), RUNS)
  })

  it.each(Object.entries(knownSingleArtists))("on %s", (_, raw) => singleArtistAgrees(raw))
})

describe("decodeCompilationFast agrees with CompilationResult", () => {
  it("on valid results generated from the Schema", () => {
    fc.assert(
      fc.property(validCompilation, (raw) => {
        expect(decodeCompilationFast(raw)).toBeDefined()
        compilationAgrees(raw)
      }),
      { numRuns: 500 }
    )
  })

  it("on the Schema's encoded side without its filters", () => {
    fc.assert(fc.property(looseCompilation, compilationAgrees), { numRuns: 500 })
  })

  it("on valid results broken at one spot", () => {
    fc.assert(fc.property(broken(validCompilation), compilationAgrees), { numRuns: 500 })
  })

  it.each(Object.entries(knownCompilations))("on a compilation %s", (_, raw) => compilationAgrees(raw))
})

describe("claimedLibraryId agrees with LibraryId", () => {
  const claim = (raw: unknown) => Option.map(decodeClaim(raw), (result) => result.library_id)

  it("on any value, and on results whose library_id is anything", () => {
    const results = fc.oneof(
      fc.anything(),
      hostileValue.map((library_id) => ({ ...unresolved(1), library_id })),
      fc.integer().map((library_id) => ({ ...unresolved(1), library_id }))
    )
    fc.assert(
      fc.property(results, (raw) => {
        expect(claimedLibraryId(raw)).toStrictEqual(claim(raw))
      }),
      RUNS
    )
  })
})
