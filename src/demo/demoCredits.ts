/**
 * The credited tracks of a demo V/A release, a pure function of the release id, in the two
 * copies the job reconciles: the catalog's `compilation_track_artist` rows and the credits LML's
 * matcher holds. They differ the way real ones do. The catalog records few positions, and a
 * librarian has linked a few rows already; the matcher knows every position, sometimes a credit
 * the catalog lacks, has not visited every release, and now and then matched one track on two
 * editions, so it offers two positions for it. Also the catalog's `artists` table, which credits
 * link to by folded name.
 */
import type { TrackCredit } from "../simulator/TrackStore.js"
import { knownArtists, trackTitles } from "./demoDiscography.js"
import { draw, pick } from "./demoDraws.js"
import { drifted, unknownArtistName } from "./demoNames.js"

/** One `compilation_track_artist` row as the demo seeds it. */
export interface CatalogCredit {
  readonly artist_name: string
  readonly track_title: string | null
  readonly track_position: string | null
  /** The `artists.artist_name` a librarian linked the row to; null while nobody has. */
  readonly librarian_artist: string | null
}

/** One row of the catalog's `artists` table. */
export interface CatalogArtist {
  readonly artist_name: string
  readonly alphabetical_name: string
  readonly code_letters: string
}

/** Known artists missing from the catalog's `artists` table: their credits have nothing to link to. */
export const ARTISTS_NOT_CATALOGUED: ReadonlyArray<string> = ["Tirzah", "Ata Kak", "Hand Habits"]

/**
 * Second rows under names that fold like "Low" and "Björk": a credit of either artist matches
 * two rows, and the job links only on exactly one.
 */
export const FOLDED_DUPLICATES: ReadonlyArray<string> = ["LOW", "Bjork"]

const sortName = (name: string): string => (name.startsWith("The ") ? `${name.slice(4)}, The` : name)

/**
 * The known artists under the catalog's own spelling, and the duplicates. Nothing reads
 * `code_letters`, which is NOT NULL, so every artist shares one.
 */
export const catalogArtists: ReadonlyArray<CatalogArtist> = [
  ...knownArtists.map((entry) => entry.artist).filter((name) => !ARTISTS_NOT_CATALOGUED.includes(name)),
  ...FOLDED_DUPLICATES
].map((name) => ({ artist_name: name, alphabetical_name: sortName(name), code_letters: "RO" }))

// --- Draws: a release's own, then each credit's, apart from the purposes `DemoCatalog` uses.

const COUNT = 0x100
const TITLE_START = 0x101
const TITLE_STEP = 0x102
const NULL_TITLE = 0x103
const NULL_TITLE_AT = 0x104
const UNVISITED = 0x105
const AMBIGUOUS = 0x106
const EXTRA = 0x107
const EXTRA_ARTIST = 0x108

const CREDIT_BASE = 0x200
const CREDIT_FIELDS = 16
const ARTIST_KIND = 0
const WHO = 1
const DRIFT = 2
const VARIANT = 3
const NAME_A = 4
const NAME_B = 5
const CATALOGUED = 6
const LIBRARIAN = 7

/** 8–16 credits per release. */
const FEWEST_CREDITS = 8
const CREDIT_COUNTS = 9
/** Percent of credits naming an artist LML knows; a fifth of those in a drifted spelling. */
const KNOWN_PERCENT = 75
const DRIFT_PERCENT = 20
/** Percent of releases with one credit whose title was never catalogued. */
const NULL_TITLE_PERCENT = 8
/** Percent of rows the catalog records a position for (production leaves ~78% NULL). */
const CATALOGUED_PERCENT = 22
/** Percent of the credits of catalogued artists that a librarian has linked. */
const LIBRARIAN_PERCENT = 3
/** Per mille of releases the matcher has not visited, and that offer a track two positions. */
const UNVISITED_PER_MILLE = 10
const AMBIGUOUS_PER_MILLE = 10
/** Percent of releases where the matcher knows one credit more than the catalog. */
const EXTRA_PERCENT = 20

/** Vinyl sides of four tracks: A1–A4, B1–B4, … */
const sidePosition = (index: number): string => `${"ABCDEFGH"[Math.floor(index / 4)]}${(index % 4) + 1}`

/** Distinct titles for every index of a release, up to the list's length. */
const titleAt = (releaseId: number, index: number): string => {
  const start = draw(releaseId, TITLE_START)
  const step = 1 + (draw(releaseId, TITLE_STEP) % (trackTitles.length - 1))
  return pick(trackTitles, start + index * step)
}

/** A credit as the record itself has it, with what each copy makes of it. */
interface SleeveCredit {
  readonly index: number
  readonly artist_name: string
  readonly track_title: string | null
  readonly position: string
  /** The discography spelling of the artist, when LML knows them. */
  readonly known: string | null
  readonly catalogued_position: string | null
  readonly librarian_artist: string | null
}

const sleeve = (releaseId: number): ReadonlyArray<SleeveCredit> => {
  const count = FEWEST_CREDITS + (draw(releaseId, COUNT) % CREDIT_COUNTS)
  // At most one untitled credit: the catalog's index allows one per artist and release.
  const untitled =
    draw(releaseId, NULL_TITLE) % 100 < NULL_TITLE_PERCENT ? draw(releaseId, NULL_TITLE_AT) % count : -1
  return Array.from({ length: count }, (_, index): SleeveCredit => {
    const field = (purpose: number) => draw(releaseId, CREDIT_BASE + index * CREDIT_FIELDS + purpose)
    const known = field(ARTIST_KIND) % 100 < KNOWN_PERCENT ? pick(knownArtists, field(WHO)).artist : null
    const artist_name =
      known === null
        ? unknownArtistName(field(NAME_A), field(NAME_B))
        : field(DRIFT) % 100 < DRIFT_PERCENT
          ? drifted(known, field(VARIANT))
          : known
    const position = sidePosition(index)
    const linkable = known !== null && !ARTISTS_NOT_CATALOGUED.includes(known)
    return {
      index,
      artist_name,
      track_title: index === untitled ? null : titleAt(releaseId, index),
      position,
      known,
      catalogued_position: field(CATALOGUED) % 100 < CATALOGUED_PERCENT ? position : null,
      librarian_artist: linkable && field(LIBRARIAN) % 100 < LIBRARIAN_PERCENT ? known : null
    }
  })
}

/** The `compilation_track_artist` rows of V/A release `releaseId`. */
export const catalogCredits = (releaseId: number): ReadonlyArray<CatalogCredit> =>
  sleeve(releaseId).map((credit) => ({
    artist_name: credit.artist_name,
    track_title: credit.track_title,
    track_position: credit.catalogued_position,
    librarian_artist: credit.librarian_artist
  }))

/** The credits LML's matcher holds for V/A release `releaseId`; `undefined` when it has not visited it. */
export const matcherCredits = (releaseId: number): ReadonlyArray<TrackCredit> | undefined => {
  if (draw(releaseId, UNVISITED) % 1000 < UNVISITED_PER_MILLE) return undefined
  const credits = sleeve(releaseId)
  const entries: Array<TrackCredit> = credits.map((credit) => ({
    track_position: credit.position,
    artist_name: credit.artist_name,
    track_title: credit.track_title
  }))
  if (draw(releaseId, AMBIGUOUS) % 1000 < AMBIGUOUS_PER_MILLE) {
    // The same track matched on the CD edition too, numbered as CDs number them. Only a row
    // still without a position, of an artist LML knows, shows what the job does with that.
    const twice = credits.find(
      (credit) =>
        credit.known !== null && credit.catalogued_position === null && credit.librarian_artist === null
    )
    if (twice !== undefined) {
      entries.push({
        track_position: String(twice.index + 1),
        artist_name: twice.artist_name,
        track_title: twice.track_title
      })
    }
  }
  if (draw(releaseId, EXTRA) % 100 < EXTRA_PERCENT) {
    // A bonus track the catalog never credited.
    entries.push({
      track_position: sidePosition(credits.length),
      artist_name: pick(knownArtists, draw(releaseId, EXTRA_ARTIST)).artist,
      track_title: titleAt(releaseId, credits.length)
    })
  }
  return entries
}
