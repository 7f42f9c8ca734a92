import { describe, expect, it } from "@effect/vitest"
import { type ArtistEntity, identityFromLog, NO_IDS } from "../../src/simulator/ArtistEntity.js"
import {
  demoEntities,
  foldName,
  makeEntityStore,
  syntheticArtistName,
  syntheticEntity,
  syntheticProfile,
  syntheticStore
} from "../../src/simulator/EntityStore.js"

const entity = (name: string): ArtistEntity => ({ name, main: NO_IDS, log: [] })

describe("foldName", () => {
  it("removes diacritics, spells out &, straightens curly quotes, collapses spaces, lowercases", () => {
    expect(foldName("Nilüfer Yanya")).toBe("nilufer yanya")
    expect(foldName("Nilu\u0308fer Yanya")).toBe("nilufer yanya")
    expect(foldName("Sleater & Kinney")).toBe("sleater and kinney")
    expect(foldName("Don\u2019t Stop")).toBe("don't stop")
    expect(foldName("\u201CWeird\u201D Al")).toBe('"weird" al')
    expect(foldName("  Sigur \t Rós  ")).toBe("sigur ros")
  })
})

describe("makeEntityStore", () => {
  const demo = makeEntityStore(demoEntities)

  it("finds names by exact, case-insensitive and folded spelling", () => {
    expect(demo.find("Stereolab")?.name).toBe("Stereolab")
    expect(demo.find("stereolab")?.name).toBe("Stereolab")
    expect(demo.find("JUANA MOLINA")?.name).toBe("Juana Molina")
    expect(demo.find("Nilüfer Yanya")?.name).toBe("Nilüfer Yanya")
    expect(demo.find("Nilufer Yanya")?.name).toBe("Nilüfer Yanya")
    expect(demo.find("Sleater & Kinney")?.name).toBe("sleater and kinney")
    expect(demo.find("Don\u2019t Stop")?.name).toBe("Don't Stop")
    expect(demo.find("Let\u2019s  Active")?.name).toBe("Let's Active")
    expect(demo.find("Simon and Garfunkel")?.name).toBe("Simon & Garfunkel")
    expect(demo.find("sinead o\u2019connor")?.name).toBe("Sinéad O'Connor")
  })

  it("misses names it has never stored", () => {
    expect(demo.find("Nobody Artist")).toBeUndefined()
    expect(demo.find("")).toBeUndefined()
  })

  it("tries each rung of the cascade before the next", () => {
    const store = makeEntityStore([entity("Cafe"), entity("café"), entity("ABC"), entity("abc")])
    expect(store.find("abc")?.name).toBe("abc")
    expect(store.find("ABC")?.name).toBe("ABC")
    // Case-insensitive `café` beats the folded `cafe`, although `Cafe` was stored first.
    expect(store.find("CAFÉ")?.name).toBe("café")
    expect(store.find("CAFE")?.name).toBe("Cafe")
  })

  it("lets the first entity claim a contested key", () => {
    const first: ArtistEntity = { ...entity("Low"), main: { ...NO_IDS, discogs_artist_id: 1 } }
    const store = makeEntityStore([first, { ...entity("Low"), main: { ...NO_IDS, discogs_artist_id: 2 } }])
    expect(store.find("Low")).toBe(first)
  })
})

describe("demoEntities", () => {
  const shapes = {
    musicbrainz_artist_id: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    wikidata_qid: /^Q[1-9]\d*$/,
    spotify_artist_id: /^[0-9A-Za-z]{22}$/,
    apple_music_artist_id: /^[1-9]\d*$/,
    bandcamp_id: /^[a-z0-9-]+$/
  }

  it("holds about sixty artists with distinct folded names", () => {
    expect(demoEntities.length).toBeGreaterThanOrEqual(55)
    expect(new Set(demoEntities.map((e) => foldName(e.name))).size).toBe(demoEntities.length)
  })

  it("keeps main consistent with the log and ids shaped like the real ones", () => {
    for (const e of demoEntities) {
      if (e.log.length > 0) expect(e.main, e.name).toEqual(identityFromLog(e.log))
      const { discogs_artist_id, ...strings } = e.main
      if (discogs_artist_id !== null)
        expect(Number.isInteger(discogs_artist_id) && discogs_artist_id > 0).toBe(true)
      for (const [column, id] of Object.entries(strings)) {
        if (id !== null) expect(id, `${e.name} ${column}`).toMatch(shapes[column as keyof typeof shapes])
      }
      for (const entry of e.log) {
        expect(entry.confidence === null, e.name).toBe(entry.external_id === null)
        if (entry.confidence !== null) expect(entry.confidence).toBeGreaterThanOrEqual(0)
      }
    }
  })

  it("uses the contract's ids for Stereolab and Juana Molina", () => {
    const store = makeEntityStore(demoEntities)
    expect(store.find("Stereolab")?.main).toMatchObject({ discogs_artist_id: 2154, wikidata_qid: "Q484464" })
    expect(store.find("Juana Molina")?.main).toMatchObject({
      discogs_artist_id: 305253,
      wikidata_qid: "Q272615"
    })
  })

  it("exercises every method, legacy rows, legs that found nothing and legs below the floor", () => {
    const entries = demoEntities.flatMap((e) => e.log)
    const methods = new Set(entries.map((entry) => entry.method))
    for (const method of [
      "exact_match",
      "name_variation",
      "member_group",
      "alias_match",
      "trigram",
      "llm",
      "manual"
    ]) {
      expect(methods, method).toContain(method)
    }
    expect(demoEntities.some((e) => e.log.length === 0)).toBe(true)
    expect(entries.some((entry) => entry.confidence === null)).toBe(true)
    expect(entries.some((entry) => entry.confidence !== null && entry.confidence < 0.7)).toBe(true)
  })
})

describe("syntheticStore", () => {
  const numbers = Array.from({ length: 20_000 }, (_, i) => i + 1)

  it("answers the same way every time, in any spelling the cascade forgives", () => {
    const a = syntheticStore()
    const b = syntheticStore()
    for (const n of numbers.slice(0, 500)) {
      expect(a.find(syntheticArtistName(n))).toEqual(b.find(syntheticArtistName(n)))
      expect(a.find(`SYNTHETIC  artist ${n}`)).toEqual(syntheticEntity(n))
    }
  })

  it("splits artists about 85 / 10 / 5 between resolved, unknown and below the floor", () => {
    const share = (profile: string) =>
      numbers.filter((n) => syntheticProfile(n) === profile).length / numbers.length
    expect(share("resolved")).toBeCloseTo(0.85, 1)
    expect(share("unknown")).toBeCloseTo(0.1, 1)
    expect(share("below_floor")).toBeCloseTo(0.05, 1)
  })

  it("builds entities that match their profile, with ids derived from n", () => {
    for (const n of numbers.slice(0, 3_000)) {
      const found = syntheticEntity(n)
      const kept = (found?.log ?? []).filter((entry) => entry.confidence !== null && entry.confidence >= 0.7)
      switch (syntheticProfile(n)) {
        case "unknown":
          expect(found).toBeUndefined()
          break
        case "below_floor":
          expect(found?.log.length).toBeGreaterThan(0)
          expect(kept).toEqual([])
          break
        case "resolved": {
          expect(found?.name).toBe(syntheticArtistName(n))
          if (found === undefined) break
          if (found.log.length === 0) {
            expect(Object.values(found.main).some((id) => id !== null)).toBe(true)
          } else {
            expect(kept.length).toBeGreaterThanOrEqual(1)
            expect(kept.length).toBeLessThanOrEqual(4)
            expect(found.main).toEqual(identityFromLog(found.log))
          }
          if (found.main.discogs_artist_id !== null)
            expect(found.main.discogs_artist_id).toBe(100_000_000 + n)
          if (found.main.bandcamp_id !== null) expect(found.main.bandcamp_id).toBe(`synthetic-artist-${n}`)
        }
      }
    }
  })

  it("keeps Discogs ids inside Postgres int4 for huge n", () => {
    const n = 987_654_321_012
    const found = syntheticStore().find(syntheticArtistName(n))
    if (found?.main.discogs_artist_id != null)
      expect(found.main.discogs_artist_id).toBeLessThanOrEqual(2_147_483_647)
  })

  it("falls back to the demo artists for other names", () => {
    expect(syntheticStore().find("stereolab")?.name).toBe("Stereolab")
    expect(syntheticStore().find("Nobody Artist")).toBeUndefined()
  })
})
