/**
 * Where the simulated LML looks artists up. The lookup cascade is LML's: exact name, then
 * case-insensitive, then a folded form, so that the catalog's spelling drift (case,
 * diacritics, `&` versus `and`, curly quotes) still lands on the stored entity.
 */
import type { IdentityMethod, IdentitySource } from "../domain/LmlWire.js"
import { type ArtistEntity, identityFromLog, NO_IDS, SOURCE_COLUMNS, type SourceLog } from "./ArtistEntity.js"
import { demoEntities } from "./demoEntities.js"
import { drawsFor } from "./draws.js"

export type { ArtistEntity, MainIdentity, SourceLog } from "./ArtistEntity.js"
export { demoEntities } from "./demoEntities.js"

export interface EntityStore {
  find(artistName: string): ArtistEntity | undefined
}

/** The last rung of the cascade: the spelling-insensitive form of a name. */
export const foldName = (name: string): string =>
  name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/&/g, " and ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase()

export const makeEntityStore = (entities: ReadonlyArray<ArtistEntity>): EntityStore => {
  const exact = new Map<string, ArtistEntity>()
  const lowered = new Map<string, ArtistEntity>()
  const folded = new Map<string, ArtistEntity>()
  // The first entity to claim a key keeps it, so a store's answer never depends on Map quirks.
  const claim = (index: Map<string, ArtistEntity>, key: string, entity: ArtistEntity) => {
    if (!index.has(key)) index.set(key, entity)
  }
  for (const entity of entities) {
    claim(exact, entity.name, entity)
    claim(lowered, entity.name.toLowerCase(), entity)
    claim(folded, foldName(entity.name), entity)
  }
  return {
    find: (artistName) =>
      exact.get(artistName) ?? lowered.get(artistName.toLowerCase()) ?? folded.get(foldName(artistName))
  }
}

// --- The synthetic store: a catalog of any size whose verdicts are a pure function of the name.

export const syntheticArtistName = (n: number): string => `Synthetic Artist ${n}`

/**
 * What LML will say about `Synthetic Artist <n>`:
 * - `resolved` (85%): 1–4 sources at or above the floor, sometimes a legacy row, sometimes an
 *   extra leg that found nothing or fell below the floor;
 * - `unknown` (10%): not in the store;
 * - `below_floor` (5%): in the store, but no leg reached 0.70, so LML still answers `unresolved`.
 */
export type SyntheticProfile = "resolved" | "unknown" | "below_floor"

const SYNTHETIC_NAME = /^synthetic artist (\d{1,15})$/

const PROFILE = 0x51
const SHAPE = 0x5e
const IDS = 0x1d

export const syntheticProfile = (n: number): SyntheticProfile => {
  const bucket = drawsFor(n, PROFILE)() % 100
  return bucket < 85 ? "resolved" : bucket < 95 ? "unknown" : "below_floor"
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** `length` characters of `alphabet`, five or more per 32-bit draw. */
const randomText = (draw: () => number, alphabet: string, length: number): string => {
  const perDraw = Math.floor(32 / Math.log2(alphabet.length))
  let text = ""
  let value = 0
  for (let i = 0; i < length; i++) {
    if (i % perDraw === 0) value = draw()
    text += alphabet[value % alphabet.length]
    value = Math.floor(value / alphabet.length)
  }
  return text
}

/** The id each source would hold for artist n; stable whatever the entity's shape. */
const syntheticExternalId = (source: IdentitySource, n: number): string => {
  switch (source) {
    case "discogs":
      return String(100_000_000 + (n % 2_000_000_000))
    case "musicbrainz": {
      const hex = randomText(drawsFor(n, IDS), "0123456789abcdef", 30)
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${"89ab"[n % 4]}${hex.slice(15, 18)}-${hex.slice(18)}`
    }
    case "wikidata":
      return `Q${10_000_000 + (n % 100_000_000)}`
    case "spotify":
      return randomText(drawsFor(n, IDS), BASE62, 22)
    case "apple_music":
      return String(1_000_000_000 + (n % 900_000_000))
    case "bandcamp":
      return `synthetic-artist-${n}`
  }
}

const hundredths = (value: number): number => Math.round(value * 100) / 100

/** A method with a confidence inside its band, never below the floor; exact matches dominate. */
const keptMatch = (draw: () => number): readonly [IdentityMethod, number] => {
  const roll = draw() % 100
  const step = draw() % 10
  if (roll < 55) return ["exact_match", 1]
  if (roll < 70) return ["name_variation", hundredths(0.9 + step / 100)]
  if (roll < 78) return ["member_group", hundredths(0.8 + step / 100)]
  if (roll < 86) return ["alias_match", hundredths(0.75 + step / 100)]
  if (roll < 93) return ["trigram", hundredths(0.7 + step / 100)]
  return ["llm", hundredths(0.7 + step / 100)]
}

/** A leg that does not count: found nothing, or an LLM guess under the floor. */
const discardedLeg = (source: IdentitySource, n: number, draw: () => number): SourceLog =>
  draw() % 2 === 0
    ? { source, method: "trigram", confidence: null, external_id: null }
    : {
        source,
        method: "llm",
        confidence: hundredths(0.6 + (draw() % 10) / 100),
        external_id: syntheticExternalId(source, n)
      }

/** `count` distinct sources in a per-artist order. */
const pickSources = (count: number, draw: () => number): ReadonlyArray<IdentitySource> => {
  const sources = SOURCE_COLUMNS.map(([source]) => source)
  for (let i = 0; i < count; i++) {
    const j = i + (draw() % (sources.length - i))
    ;[sources[i], sources[j]] = [sources[j], sources[i]]
  }
  return sources.slice(0, count)
}

/** The entity behind `Synthetic Artist <n>`, or `undefined` when LML has never heard of it. */
export const syntheticEntity = (n: number): ArtistEntity | undefined => {
  const profile = syntheticProfile(n)
  if (profile === "unknown") return undefined
  const name = syntheticArtistName(n)
  const draw = drawsFor(n, SHAPE)
  if (profile === "below_floor") {
    const log = pickSources(1 + (draw() % 2), draw).map((source) => discardedLeg(source, n, draw))
    return { name, main: NO_IDS, log }
  }
  const sources = pickSources(1 + (draw() % 4), draw)
  if (draw() % 100 < 8) {
    const main = identityFromLog(
      sources.map((source) => ({
        source,
        method: "exact_match",
        confidence: 1,
        external_id: syntheticExternalId(source, n)
      }))
    )
    return { name, main, log: [] }
  }
  const log: Array<SourceLog> = sources.map((source) => {
    const [method, confidence] = keptMatch(draw)
    return { source, method, confidence, external_id: syntheticExternalId(source, n) }
  })
  const spare = SOURCE_COLUMNS.map(([source]) => source).find((source) => !sources.includes(source))
  if (spare !== undefined && draw() % 100 < 15) log.push(discardedLeg(spare, n, draw))
  return { name, main: identityFromLog(log), log }
}

/**
 * The benchmark's store: `Synthetic Artist <n>` (in any spelling the cascade forgives) maps to
 * `syntheticEntity(n)`; every other name falls back to the demo entities.
 */
export const syntheticStore = (): EntityStore => {
  const demo = makeEntityStore(demoEntities)
  return {
    find: (artistName) => {
      const match = SYNTHETIC_NAME.exec(foldName(artistName))
      return match === null ? demo.find(artistName) : syntheticEntity(Number(match[1]))
    }
  }
}
