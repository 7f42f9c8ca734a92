/**
 * The demo catalog and the summary's wording, without a database: the catalog is the same on
 * every call, has the advertised mix, and every row is what it claims to be to the simulated
 * LML (its lookup cascade and V/A rule are the judges). So are the V/A releases' credited
 * tracks: they fit the catalog's columns and indexes, and LML's copy of them composes to links
 * that succeed mostly and fail in each of the ways the job counts.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  DEMO_CATALOG_SIZE,
  demoCatalog,
  demoRelease,
  demoTrackRows,
  hasCredits
} from "../../src/demo/DemoCatalog.js"
import {
  ARTISTS_NOT_CATALOGUED,
  catalogArtists,
  FOLDED_DUPLICATES,
  matcherCredits
} from "../../src/demo/demoCredits.js"
import { compilations, knownArtists } from "../../src/demo/demoDiscography.js"
import { formatDemoSummary } from "../../src/demo/DemoSummary.js"
import { demoTrackStore } from "../../src/demo/demoTrackStore.js"
import { LibraryId } from "../../src/domain/LmlWire.js"
import { POSITION_MAX_CHARACTERS, toCompilationCredits } from "../../src/domain/TrackCredits.js"
import { composeResult, isCompilationName } from "../../src/simulator/compose.js"
import { demoEntities, foldName, makeEntityStore } from "../../src/simulator/EntityStore.js"

const catalog = demoCatalog()
const store = makeEntityStore(demoEntities)
const knownSpellings = new Set(knownArtists.map((entry) => entry.artist))
const compilationNames = new Set(compilations.map((entry) => entry.artist))

const share = (predicate: (row: (typeof catalog)[number]) => boolean) =>
  catalog.filter(predicate).length / catalog.length

describe("demo catalog", () => {
  it("is the same on every call, row by row, whatever its size", () => {
    expect(catalog).toHaveLength(DEMO_CATALOG_SIZE)
    expect(demoCatalog()).toEqual(catalog)
    expect(demoCatalog(10)).toEqual(catalog.slice(0, 10))
    expect(demoRelease(1234)).toEqual(catalog[1233])
  })

  it("has unique ids and legacy release ids, and fits the columns", () => {
    expect(new Set(catalog.map((row) => row.id)).size).toBe(catalog.length)
    expect(new Set(catalog.map((row) => row.legacy_release_id)).size).toBe(catalog.length)
    for (const row of catalog) {
      expect(row.album_title.length).toBeLessThanOrEqual(128)
      expect((row.artist_name ?? "").length).toBeLessThanOrEqual(128)
    }
  })

  it("is mostly artists LML knows, with about 8% V/A, 10% unknown and a few rows never selected", () => {
    expect(share((row) => row.artist_name !== null && compilationNames.has(row.artist_name))).toBeCloseTo(
      0.08,
      1
    )
    const unknown = share(
      (row) => row.artist_name !== null && !isCompilationName(row.artist_name) && !store.find(row.artist_name)
    )
    expect(unknown).toBeCloseTo(0.1, 1)
    expect(share((row) => row.artist_name === null)).toBeGreaterThan(0.003)
    expect(share((row) => row.artist_name === null)).toBeLessThan(0.02)
    expect(share((row) => row.canonical_entity_id === null)).toBeGreaterThan(0.005)
    expect(share((row) => row.canonical_entity_id === null)).toBeLessThan(0.03)
    expect(
      share((row) => row.artist_name !== null && store.find(row.artist_name) !== undefined)
    ).toBeGreaterThan(0.75)
  })

  it("files compilations only under names LML answers as V/A, and nothing else under them", () => {
    for (const row of catalog) {
      if (row.artist_name === null) continue
      expect(isCompilationName(row.artist_name)).toBe(compilationNames.has(row.artist_name))
    }
  })

  it("spells about a fifth of the known artists with drift that LML's cascade still matches", () => {
    const known = catalog.filter((row) => row.artist_name !== null && store.find(row.artist_name))
    const drifted = known.filter((row) => !knownSpellings.has(row.artist_name!))
    expect(drifted.length / known.length).toBeCloseTo(0.2, 1)
    const names = drifted.map((row) => row.artist_name!)
    // Every kind of drift occurs: case, lost diacritics, `&` for `and` and back, curly apostrophes.
    expect(names).toContain("SIGUR RÓS")
    expect(names.some((name) => name === name.toLowerCase())).toBe(true)
    expect(names.some((name) => ["Sigur Ros", "Bjork", "Motorhead", "Nilufer Yanya"].includes(name))).toBe(
      true
    )
    expect(names.some((name) => name === "Simon and Garfunkel" || name === "Belle and Sebastian")).toBe(true)
    expect(names).toContain("Sleater & Kinney")
    expect(names.some((name) => name.includes("\u2019"))).toBe(true)
    for (const name of names) expect(foldName(name)).toBe(foldName(store.find(name)!.name))
  })

  it("covers every artist of the discography, each of which LML knows", () => {
    for (const { artist } of knownArtists) expect(store.find(artist), artist).toBeDefined()
    const seen = new Set(catalog.map((row) => row.artist_name))
    for (const { artist } of knownArtists) expect(seen.has(artist), artist).toBe(true)
  })
})

/** The catalog's `fold_artist_name`: NFD, combining marks stripped, lower case. */
const catalogFold = (name: string): string =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()

/** How many of the catalog's `artists` a resolved credit would match by folded name. */
const artistsMatching = (name: string): number =>
  catalogArtists.filter((artist) => catalogFold(artist.artist_name) === catalogFold(name)).length

const isVa = (row: (typeof catalog)[number]) =>
  (row.code_volume_letters ?? "").startsWith("Z") || hasCredits(row.id)

const trackRows = demoTrackRows()

/** Characters, as `varchar(n)` counts them. */
const length = (text: string): number => [...text].length

describe("demo V/A releases and their credited tracks", () => {
  it("are the same on every call, in the catalog and in LML's copy", () => {
    expect(demoTrackRows()).toEqual(trackRows)
    expect(demoTrackRows(demoCatalog(100))).toEqual(trackRows.filter((row) => row.library_id <= 100))
    for (const release of catalog.filter((row) => hasCredits(row.id))) {
      expect(matcherCredits(release.id)).toEqual(matcherCredits(release.id))
    }
  })

  it("are about 8% of the catalog, mostly on a Z shelf, a few with credits alone, a couple with neither", () => {
    const va = catalog.filter(isVa)
    expect(va.length / catalog.length).toBeCloseTo(0.08, 1)
    const coded = va.filter((row) => row.code_volume_letters !== null)
    expect(coded.length / va.length).toBeGreaterThan(0.8)
    for (const row of coded) expect(row.code_volume_letters).toMatch(/^Z.{0,3}$/)
    // V/A only through their credits: NULL letters, which the cohort rule must not drop.
    expect(va.length - coded.length).toBeGreaterThanOrEqual(10)
    // A Z shelf always comes with credits.
    for (const row of va) expect(hasCredits(row.id), String(row.id)).toBe(true)
    // Filed under a V/A name with no code and no credits: only LML's rule calls them compilations.
    const plain = catalog.filter(
      (row) => row.artist_name !== null && compilationNames.has(row.artist_name) && !isVa(row)
    )
    expect(plain.length).toBeGreaterThanOrEqual(1)
    expect(plain.length).toBeLessThanOrEqual(5)
    for (const row of va) expect(compilationNames.has(row.artist_name ?? "")).toBe(true)
    for (const row of catalog.filter((r) => !compilationNames.has(r.artist_name ?? ""))) {
      expect(row.code_volume_letters).toBeNull()
    }
  })

  it("credit 8–16 tracks each, fitting the columns, unique as the catalog's indexes require", () => {
    const byRelease = new Map<number, Array<(typeof trackRows)[number]>>()
    for (const row of trackRows)
      byRelease.set(row.library_id, [...(byRelease.get(row.library_id) ?? []), row])
    expect([...byRelease.keys()]).toEqual(catalog.filter(isVa).map((row) => row.id))
    for (const rows of byRelease.values()) {
      expect(rows.length).toBeGreaterThanOrEqual(8)
      expect(rows.length).toBeLessThanOrEqual(16)
    }
    for (const row of trackRows) {
      expect(length(row.artist_name)).toBeLessThanOrEqual(255)
      expect(length(row.track_title ?? "")).toBeLessThanOrEqual(255)
      expect(length(row.track_position ?? "")).toBeLessThanOrEqual(POSITION_MAX_CHARACTERS)
    }
    const titled = trackRows.filter((row) => row.track_title !== null)
    const untitled = trackRows.filter((row) => row.track_title === null)
    const keys = (rows: typeof trackRows, key: (row: (typeof trackRows)[number]) => unknown) =>
      new Set(rows.map((row) => JSON.stringify(key(row)))).size
    expect(keys(titled, (row) => [row.library_id, row.artist_name, row.track_title])).toBe(titled.length)
    expect(keys(untitled, (row) => [row.library_id, row.artist_name])).toBe(untitled.length)
    expect(untitled.length).toBeGreaterThan(0)
  })

  it("leave most positions NULL, as production does, and a few rows linked by a librarian", () => {
    const nullPositions = trackRows.filter((row) => row.track_position === null).length / trackRows.length
    expect(nullPositions).toBeGreaterThan(0.7)
    expect(nullPositions).toBeLessThan(0.85)
    const linked = trackRows.filter((row) => row.librarian_artist !== null)
    expect(linked.length).toBeGreaterThan(10)
    expect(linked.length / trackRows.length).toBeLessThan(0.05)
    for (const row of linked) {
      const named = catalogArtists.filter((artist) => artist.artist_name === row.librarian_artist)
      expect(named, row.librarian_artist!).toHaveLength(1)
    }
  })

  it("link to a catalog of artists that lacks a few and holds a few under two folded spellings", () => {
    for (const artist of catalogArtists) {
      expect(length(artist.artist_name)).toBeLessThanOrEqual(128)
      expect(length(artist.alphabetical_name)).toBeLessThanOrEqual(128)
      expect(length(artist.code_letters)).toBeLessThanOrEqual(4)
    }
    for (const name of ARTISTS_NOT_CATALOGUED) expect(artistsMatching(name), name).toBe(0)
    for (const name of FOLDED_DUPLICATES) expect(artistsMatching(name), name).toBe(2)
    const linkable = knownArtists.filter(
      ({ artist }) => !ARTISTS_NOT_CATALOGUED.includes(artist) && artistsMatching(artist) === 1
    )
    expect(linkable.length).toBeGreaterThan(knownArtists.length - 8)
  })
})

describe("LML's copy of the demo credits", () => {
  const store = makeEntityStore(demoEntities)
  const tracks = demoTrackStore()
  const catalogKeys = new Set(
    trackRows.map((row) => JSON.stringify([row.library_id, row.artist_name, row.track_title]))
  )
  const answers = catalog
    .filter(isVa)
    .map((row) =>
      composeResult(
        store,
        { library_id: row.id, artist_name: row.artist_name!, legacy_release_id: row.legacy_release_id },
        tracks
      )
    )
  const proposals = answers.flatMap((answer) =>
    toCompilationCredits(LibraryId.make(answer.library_id), answer.tracks ?? []).links.map((link) => ({
      library_id: answer.library_id,
      ...link
    }))
  )

  it("answers every V/A release as a compilation, all but a few with their tracks", () => {
    for (const answer of answers) expect(answer.kind).toBe("compilation")
    const unvisited = answers.filter((answer) => answer.tracks_attempted === false)
    expect(unvisited.length).toBeGreaterThanOrEqual(1)
    expect(unvisited.length).toBeLessThanOrEqual(3)
    for (const answer of unvisited) expect(answer.tracks).toEqual([])
  })

  it("resolves most credits, never the artists LML does not know", () => {
    const credits = answers.flatMap((answer) => answer.tracks ?? [])
    const resolved = credits.filter((credit) => credit.resolved_artist_name !== null)
    expect(resolved.length / credits.length).toBeGreaterThan(0.6)
    expect(resolved.length / credits.length).toBeLessThan(0.85)
    for (const credit of credits) {
      if (store.find(credit.artist_name) === undefined) expect(credit.resolved_artist_name).toBeNull()
    }
    // A drifted spelling resolves to the stored entity's name, which the link folds.
    const drifted = resolved.filter((credit) => credit.artist_name !== credit.resolved_artist_name)
    expect(drifted.length).toBeGreaterThan(50)
    for (const credit of resolved) {
      expect(foldName(credit.artist_name)).toBe(foldName(credit.resolved_artist_name!))
    }
  })

  it("proposes links that mostly find one catalog artist, and some that find none or two", () => {
    const matches = proposals.map((proposal) => artistsMatching(proposal.resolved_artist_name))
    const single = matches.filter((n) => n === 1).length
    expect(single / proposals.length).toBeGreaterThan(0.8)
    expect(matches.filter((n) => n === 0).length).toBeGreaterThan(0)
    expect(matches.filter((n) => n === 2).length).toBeGreaterThan(0)
    expect(matches.every((n) => n <= 2)).toBe(true)
  })

  it("knows a few credits the catalog lacks, and offers a few tracks two positions", () => {
    const unmatched = proposals.filter(
      (p) => !catalogKeys.has(JSON.stringify([p.library_id, p.artist_name, p.track_title]))
    )
    expect(unmatched.length).toBeGreaterThan(0)
    expect(unmatched.length / proposals.length).toBeLessThan(0.05)
    const ambiguous = proposals.filter((p) => p.positionAmbiguous)
    expect(ambiguous.length).toBeGreaterThanOrEqual(1)
    expect(ambiguous.length).toBeLessThanOrEqual(5)
    for (const proposal of proposals) {
      if (!proposal.positionAmbiguous) expect(proposal.position).not.toBeNull()
    }
  })
})

describe("demo summary wording", () => {
  it("names the counts, the methods, the sources per release and the examples", () => {
    const lines = formatDemoSummary({
      releases: 3000,
      identified: 2210,
      methods: [
        { method: "cross_source_agreement", libraries: 1200 },
        { method: "exact_match", libraries: 700 },
        { method: "name_variation", libraries: 150 },
        { method: "alias_match", libraries: 90 },
        { method: "trigram", libraries: 50 },
        { method: "llm", libraries: 15 },
        { method: "manual", libraries: 5 }
      ],
      sourcesPerLibrary: [
        { sources: 1, libraries: 1010 },
        { sources: 2, libraries: 1000 },
        { sources: 3, libraries: 200 }
      ],
      examples: [
        {
          library_id: 4,
          artist_name: "Juana Molina",
          album_title: "Halo",
          method: "cross_source_agreement",
          confidence: 1,
          ids: ["discogs 305253", "wikidata Q272615"]
        },
        {
          library_id: 9,
          artist_name: "Grouper",
          album_title: "Ruins",
          method: "trigram",
          confidence: 0.7100000381469727,
          ids: []
        }
      ]
    })
    expect(lines).toEqual([
      "2,210 of 3,000 releases have an identity (73.7%)",
      "methods: cross_source_agreement 1,200, exact_match 700, name_variation 150, alias_match 90, trigram 50, other 20",
      "sources per release: 1,010 with 1, 1,000 with 2, 200 with 3",
      "examples:",
      "  Juana Molina – Halo (library 4): cross_source_agreement 1.00; discogs 305253, wikidata Q272615",
      "  Grouper – Ruins (library 9): trigram 0.71; no source rows"
    ])
  })

  it("says so when nothing is identified yet", () => {
    expect(
      formatDemoSummary({ releases: 0, identified: 0, methods: [], sourcesPerLibrary: [], examples: [] })
    ).toEqual(["the catalog is empty", "methods: none yet", "sources per release: none yet"])
  })
})
