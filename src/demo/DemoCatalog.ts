/**
 * The demo's catalog: a few thousand releases that look like a station's library, so that a
 * first run has something to resolve, with the credited tracks of its V/A releases and the
 * catalog's artists they link to. Every row is a pure function of its id, so the catalog is
 * the same on every machine and a rerun has exactly the same input.
 *
 * The mix is what the job meets in production: mostly artists LML knows, a fifth of them in a
 * drifted spelling (case, missing diacritics, `&` for `and`, curly apostrophes) that LML's
 * cascade still matches; about 8% V/A compilations; about 10% artists LML has never heard of;
 * and a few rows the job never selects (no artist, or not yet canonicalised). Most V/A releases
 * carry a `Z` shelf code and credited tracks; some have credits but no code, and a few have
 * neither, so only LML's V/A rule tells them from any other release.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { CatalogSchema, catalogTables } from "../CatalogSchema.js"
import { CatalogError } from "../domain/Errors.js"
import { type CatalogCredit, catalogArtists, catalogCredits } from "./demoCredits.js"
import { compilations, type Discography, knownArtists, unknownAlbumParts } from "./demoDiscography.js"
import { draw, pick } from "./demoDraws.js"
import { drifted, unknownArtistName } from "./demoNames.js"

export const DEMO_CATALOG_SIZE = 3_000

export interface DemoRelease {
  readonly id: number
  readonly artist_name: string | null
  readonly album_title: string
  readonly canonical_entity_id: string | null
  readonly legacy_release_id: number
  readonly code_volume_letters: string | null
}

const KIND = 1
const DRIFT = 2
const CANONICAL = 3
const ARTIST = 4
const ALBUM = 5
const VARIANT = 6
const NAME_A = 7
const NAME_B = 8
const SHELF = 9

const unknownAlbum = (id: number): string =>
  `${pick(unknownAlbumParts.adjectives, draw(id, ALBUM))} ${pick(unknownAlbumParts.nouns, draw(id, VARIANT))}`

interface Contents {
  readonly artist_name: string | null
  readonly album_title: string
  readonly code_volume_letters: string | null
}

const knownRelease = (id: number): Contents => {
  const { artist, albums }: Discography = pick(knownArtists, draw(id, ARTIST))
  const spelling = draw(id, DRIFT) % 100 < 20 ? drifted(artist, draw(id, VARIANT)) : artist
  return { artist_name: spelling, album_title: pick(albums, draw(id, ALBUM)), code_volume_letters: null }
}

/** Per mille of the catalog, cumulatively: compilations, then unknown artists, then no artist. */
const COMPILATIONS = 80
const UNKNOWN_ARTISTS = COMPILATIONS + 100
const NO_ARTIST = UNKNOWN_ARTISTS + 10
/** Per mille not yet canonicalised, whatever their artist. */
const NOT_CANONICALISED = 15
/** Percent of compilations, cumulatively: a `Z` code and credits, then credits alone; the rest have neither. */
const CODED = 88
const CREDITED = 99

type Kind = "compilation" | "unknown_artist" | "no_artist" | "known_artist"

const kindOf = (id: number): Kind => {
  const kind = draw(id, KIND) % 1000
  return kind < COMPILATIONS
    ? "compilation"
    : kind < UNKNOWN_ARTISTS
      ? "unknown_artist"
      : kind < NO_ARTIST
        ? "no_artist"
        : "known_artist"
}

/** Whether release `id` is a V/A compilation with credited tracks in `compilation_track_artist`. */
export const hasCredits = (id: number): boolean =>
  kindOf(id) === "compilation" && draw(id, SHELF) % 100 < CREDITED

const compilation = (id: number): Contents => {
  const { artist, album, code } = pick(compilations, draw(id, ALBUM))
  const coded = draw(id, SHELF) % 100 < CODED
  return { artist_name: artist, album_title: album, code_volume_letters: coded ? code : null }
}

const contents = (id: number): Contents => {
  switch (kindOf(id)) {
    case "compilation":
      return compilation(id)
    case "unknown_artist":
      return {
        artist_name: unknownArtistName(draw(id, NAME_A), draw(id, NAME_B)),
        album_title: unknownAlbum(id),
        code_volume_letters: null
      }
    case "no_artist":
      return { artist_name: null, album_title: unknownAlbum(id), code_volume_letters: null }
    case "known_artist":
      return knownRelease(id)
  }
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

/** A `compilation_track_artist` row of the demo catalog. */
export interface DemoTrackRow extends CatalogCredit {
  readonly library_id: number
}

/** The credited tracks of the releases of `catalog`, release by release. */
export const demoTrackRows = (
  catalog: ReadonlyArray<DemoRelease> = demoCatalog()
): ReadonlyArray<DemoTrackRow> =>
  catalog.flatMap((release) =>
    hasCredits(release.id)
      ? catalogCredits(release.id).map((credit) => ({ library_id: release.id, ...credit }))
      : []
  )

/**
 * Fills an empty `library` with the demo catalog, `artists` with its artists and
 * `compilation_track_artist` with its credited tracks, and returns how many releases it
 * inserted; a library that already has rows (a second demo run, or a real catalog) is left
 * alone and 0 comes back. One transaction: a half-seeded catalog would be mistaken for a
 * seeded one.
 */
export const seedDemoCatalog: Effect.Effect<number, CatalogError, SqlClient.SqlClient | CatalogSchema> =
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const { name } = yield* CatalogSchema
    const t = catalogTables(sql, name)
    const rows = demoCatalog()
    const tracks = demoTrackRows(rows)
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        // A second seeder waits here, then finds the rows the first one committed.
        yield* sql`LOCK TABLE ${t.library} IN SHARE ROW EXCLUSIVE MODE`
        const [state] = yield* sql<{ readonly seeded: boolean }>`
          SELECT EXISTS (SELECT 1 FROM ${t.library}) AS seeded`
        if (state?.seeded !== false) return 0
        yield* sql`
          INSERT INTO ${t.library}
            (id, artist_name, album_title, canonical_entity_id, legacy_release_id, code_volume_letters)
          SELECT * FROM unnest(
            ${rows.map((row) => row.id)}::int[],
            ${rows.map((row) => row.artist_name)}::text[],
            ${rows.map((row) => row.album_title)}::text[],
            ${rows.map((row) => row.canonical_entity_id)}::text[],
            ${rows.map((row) => row.legacy_release_id)}::int[],
            ${rows.map((row) => row.code_volume_letters)}::text[]
          )`
        // The ids were given explicitly; the sequence must continue after them.
        yield* sql`
          SELECT setval(pg_get_serial_sequence(format('%I.library', ${name}::text), 'id'), max(id))
          FROM ${t.library}`
        yield* sql`
          INSERT INTO ${t.artists} (artist_name, alphabetical_name, code_letters)
          SELECT name, sort_name, code FROM unnest(
            ${catalogArtists.map((artist) => artist.artist_name)}::text[],
            ${catalogArtists.map((artist) => artist.alphabetical_name)}::text[],
            ${catalogArtists.map((artist) => artist.code_letters)}::text[]
          ) WITH ORDINALITY AS a(name, sort_name, code, ord)
          ORDER BY ord`
        // A librarian's link names the artist by its exact catalog spelling, which is unique.
        yield* sql`
          INSERT INTO ${t.trackArtists} (library_id, artist_name, track_title, track_position,
            track_artist_id, track_artist_link_confidence, track_artist_link_method)
          SELECT c.library_id, c.artist_name, c.track_title, c.track_position, linked.id,
            CASE WHEN linked.id IS NOT NULL THEN 1 END,
            CASE WHEN linked.id IS NOT NULL THEN 'librarian' END
          FROM unnest(
            ${tracks.map((row) => row.library_id)}::int[],
            ${tracks.map((row) => row.artist_name)}::text[],
            ${tracks.map((row) => row.track_title)}::text[],
            ${tracks.map((row) => row.track_position)}::text[],
            ${tracks.map((row) => row.librarian_artist)}::text[]
          ) WITH ORDINALITY AS c(library_id, artist_name, track_title, track_position, librarian_artist, ord)
          LEFT JOIN LATERAL (
            SELECT min(ar.id) AS id FROM ${t.artists} ar WHERE ar.artist_name = c.librarian_artist
          ) linked ON TRUE
          ORDER BY c.ord`
        return rows.length
      })
    )
  }).pipe(
    Effect.catchTag("SqlError", (error) =>
      Effect.fail(CatalogError.fromCause("seeding the demo catalog", error))
    ),
    Effect.withSpan("DemoCatalog.seed")
  )
