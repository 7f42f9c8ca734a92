/**
 * The demo's catalog: a few thousand releases that look like a station's library, so that a
 * first run has something to resolve. Every row is a pure function of its id, so the catalog
 * is the same on every machine and a rerun has exactly the same input.
 *
 * The mix is what the job meets in production: mostly artists LML knows, a fifth of them in a
 * drifted spelling (case, missing diacritics, `&` for `and`, curly apostrophes) that LML's
 * cascade still matches; about 8% compilations; about 10% artists LML has never heard of; and
 * a few rows the job never selects (no artist, or not yet canonicalised).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "../CatalogSchema.js"
import { CatalogError } from "../domain/Errors.js"
import {
  compilations,
  type Discography,
  knownArtists,
  unknownAlbumParts,
  unknownNameParts
} from "./demoDiscography.js"

export const DEMO_CATALOG_SIZE = 3_000

export interface DemoRelease {
  readonly id: number
  readonly artist_name: string | null
  readonly album_title: string
  readonly canonical_entity_id: string | null
  readonly legacy_release_id: number
}

/** A well-mixed 32-bit hash of (id, purpose): each choice of each row is independent of the others. */
const draw = (id: number, purpose: number): number => {
  let h = Math.imul(id ^ 0x5f356495, 0x2c1b3c6d) ^ Math.imul(purpose + 0x3c6ef372, 0x297a2d39)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

const pick = <A>(items: ReadonlyArray<A>, value: number): A => items[value % items.length]!

const KIND = 1
const DRIFT = 2
const CANONICAL = 3
const ARTIST = 4
const ALBUM = 5
const VARIANT = 6
const NAME_A = 7
const NAME_B = 8

/** Spellings a catalog drifts into; each keeps the name reachable by LML's lookup cascade. */
const driftings: ReadonlyArray<(name: string) => string> = [
  (name) => name.toUpperCase(),
  (name) => name.toLowerCase(),
  (name) => name.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC"),
  (name) => (name.includes("&") ? name.replace(/&/g, "and") : name.replace(/ and /g, " & ")),
  (name) => name.replace(/'/g, "\u2019")
]

/** One of the spellings of `name` that differ from it (there is always the upper-case one). */
const drifted = (name: string, value: number): string =>
  pick(
    driftings.map((drift) => drift(name)).filter((spelling) => spelling !== name),
    value
  )

const unknownArtist = (id: number): string => {
  const { bandAdjectives, bandNouns, givenNames, familyNames } = unknownNameParts
  const a = draw(id, NAME_A)
  const b = draw(id, NAME_B)
  return a % 2 === 0
    ? `${a % 4 === 0 ? "The " : ""}${pick(bandAdjectives, a >>> 2)} ${pick(bandNouns, b)}`
    : `${pick(givenNames, a >>> 2)} ${pick(familyNames, b)}`
}

const unknownAlbum = (id: number): string =>
  `${pick(unknownAlbumParts.adjectives, draw(id, ALBUM))} ${pick(unknownAlbumParts.nouns, draw(id, VARIANT))}`

interface Contents {
  readonly artist_name: string | null
  readonly album_title: string
}

const knownRelease = (id: number): Contents => {
  const { artist, albums }: Discography = pick(knownArtists, draw(id, ARTIST))
  const spelling = draw(id, DRIFT) % 100 < 20 ? drifted(artist, draw(id, VARIANT)) : artist
  return { artist_name: spelling, album_title: pick(albums, draw(id, ALBUM)) }
}

/** Per mille of the catalog, cumulatively: compilations, then unknown artists, then no artist. */
const COMPILATIONS = 80
const UNKNOWN_ARTISTS = COMPILATIONS + 100
const NO_ARTIST = UNKNOWN_ARTISTS + 10
/** Per mille not yet canonicalised, whatever their artist. */
const NOT_CANONICALISED = 15

const contents = (id: number): Contents => {
  const kind = draw(id, KIND) % 1000
  if (kind < COMPILATIONS) {
    const { artist, album } = pick(compilations, draw(id, ALBUM))
    return { artist_name: artist, album_title: album }
  }
  if (kind < UNKNOWN_ARTISTS) return { artist_name: unknownArtist(id), album_title: unknownAlbum(id) }
  if (kind < NO_ARTIST) return { artist_name: null, album_title: unknownAlbum(id) }
  return knownRelease(id)
}

/** Release `id` of the demo catalog (ids start at 1). */
export const demoRelease = (id: number): DemoRelease => ({
  id,
  ...contents(id),
  canonical_entity_id:
    draw(id, CANONICAL) % 1000 < NOT_CANONICALISED ? null : `ce-${id.toString().padStart(6, "0")}`,
  legacy_release_id: 40_000 + id * 3
})

export const demoCatalog = (size: number = DEMO_CATALOG_SIZE): ReadonlyArray<DemoRelease> =>
  Array.from({ length: size }, (_, i) => demoRelease(i + 1))

/**
 * Fills an empty `library` with the demo catalog and returns how many rows it inserted; a
 * library that already has rows (a second demo run, or a real catalog) is left alone and 0
 * comes back. One transaction: a half-seeded catalog would be mistaken for a seeded one.
 */
export const seedDemoCatalog: Effect.Effect<number, CatalogError, SqlClient.SqlClient | CatalogSchema> =
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    const t = catalogTables(sql, name)
    const rows = demoCatalog()
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        // A second seeder waits here, then finds the rows the first one committed.
        yield* sql`LOCK TABLE ${t.library} IN SHARE ROW EXCLUSIVE MODE`
        const [state] = yield* sql<{ readonly seeded: boolean }>`
          SELECT EXISTS (SELECT 1 FROM ${t.library}) AS seeded`
        if (state?.seeded !== false) return 0
        yield* sql`
          INSERT INTO ${t.library} (id, artist_name, album_title, canonical_entity_id, legacy_release_id)
          SELECT * FROM unnest(
            ${rows.map((row) => row.id)}::int[],
            ${rows.map((row) => row.artist_name)}::text[],
            ${rows.map((row) => row.album_title)}::text[],
            ${rows.map((row) => row.canonical_entity_id)}::text[],
            ${rows.map((row) => row.legacy_release_id)}::int[]
          )`
        // The ids were given explicitly; the sequence must continue after them.
        yield* sql`
          SELECT setval(pg_get_serial_sequence(format('%I.library', ${name}::text), 'id'), max(id))
          FROM ${t.library}`
        return rows.length
      })
    )
  }).pipe(
    Effect.catchTag("SqlError", (error) =>
      Effect.fail(CatalogError.fromCause("seeding the demo catalog", error))
    ),
    Effect.withSpan("DemoCatalog.seed")
  )
