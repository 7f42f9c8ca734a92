/**
 * The demo catalog and the summary's wording, without a database: the catalog is the same on
 * every call, has the advertised mix, and every row is what it claims to be to the simulated
 * LML (its lookup cascade and V/A rule are the judges).
 */
import { describe, expect, it } from "@effect/vitest"
import { DEMO_CATALOG_SIZE, demoCatalog, demoRelease } from "../../src/demo/DemoCatalog.js"
import { compilations, knownArtists } from "../../src/demo/demoDiscography.js"
import { formatDemoSummary } from "../../src/demo/DemoSummary.js"
import { isCompilationName } from "../../src/simulator/compose.js"
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
