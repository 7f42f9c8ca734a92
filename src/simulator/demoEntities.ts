/**
 * A small, fixed LML entity store of real-looking artists for tests and the demo. The ids are
 * invented but shaped like the real thing (Discogs integers, MusicBrainz UUIDs, Wikidata Q ids,
 * 22-character Spotify ids, numeric Apple Music ids, Bandcamp slugs), except Stereolab and
 * Juana Molina, whose ids come from the contract's examples.
 *
 * Every composition path has at least one artist: a single exact source, agreeing sources,
 * each weaker method, legs below the 0.70 floor, legs that found nothing, legacy rows without
 * a log, and names stored in a form that only the folded lookup reaches.
 */
import type { IdentityMethod, IdentitySource } from "../domain/LmlWire.js"
import {
  type ArtistEntity,
  identityFromLog,
  type MainIdentity,
  NO_IDS,
  type SourceLog
} from "./ArtistEntity.js"

const found = (
  source: IdentitySource,
  method: IdentityMethod,
  confidence: number,
  external_id: string
): SourceLog => ({ source, method, confidence, external_id })

/** The leg ran and found nothing. */
const nothing = (source: IdentitySource, method: IdentityMethod): SourceLog => ({
  source,
  method,
  confidence: null,
  external_id: null
})

/** `main` is derived from the log so that the two can never disagree. */
const logged = (name: string, log: ReadonlyArray<SourceLog>): ArtistEntity => ({
  name,
  main: identityFromLog(log),
  log
})

/** Populated columns with no log rows, as written before the reconciliation log existed. */
const legacy = (name: string, ids: Partial<MainIdentity>): ArtistEntity => ({
  name,
  main: { ...NO_IDS, ...ids },
  log: []
})

export const demoEntities: ReadonlyArray<ArtistEntity> = [
  logged("Juana Molina", [
    found("discogs", "exact_match", 1, "305253"),
    found("wikidata", "exact_match", 1, "Q272615")
  ]),
  logged("Nilüfer Yanya", [
    found("discogs", "exact_match", 1, "4884902"),
    found("musicbrainz", "name_variation", 0.92, "2c7a1f4d-bf83-4c13-90ea-e9d1ac7410c8")
  ]),
  logged("sleater and kinney", [
    found("discogs", "exact_match", 1, "3172972"),
    found("musicbrainz", "exact_match", 1, "168e78ae-6f7d-483b-a903-46b8419e6a6d"),
    found("spotify", "exact_match", 1, "yRSNWPRRQqalPwZGzUogT4")
  ]),
  logged("Don't Stop", [found("discogs", "name_variation", 0.91, "5862356")]),
  logged("Sigur Rós", [
    found("discogs", "exact_match", 1, "7766237"),
    found("musicbrainz", "exact_match", 1, "7bba4793-d02e-40fd-8dd3-204900e056c7"),
    found("wikidata", "exact_match", 1, "Q72416597"),
    found("spotify", "exact_match", 1, "N3ywXAcDR3EB6nhWHrMCXm")
  ]),
  logged("Françoise Hardy", [found("discogs", "exact_match", 1, "744333")]),
  logged("Jóhann Jóhannsson", [
    found("discogs", "name_variation", 0.94, "1614995"),
    found("musicbrainz", "exact_match", 1, "861b10dc-62be-4a25-83b2-bcef631b38b3")
  ]),
  logged("Simon & Garfunkel", [
    found("discogs", "exact_match", 1, "394916"),
    found("apple_music", "exact_match", 1, "281379641")
  ]),
  logged("Belle & Sebastian", [
    found("wikidata", "exact_match", 1, "Q64572302"),
    found("spotify", "exact_match", 1, "viyvT0goNestosdd3JEkVs")
  ]),
  logged("Yo La Tengo", [found("discogs", "exact_match", 1, "6009309")]),
  logged("Superchunk", [
    found("discogs", "exact_match", 1, "3322370"),
    found("bandcamp", "exact_match", 1, "superchunk")
  ]),
  logged("Archers of Loaf", [found("discogs", "exact_match", 1, "1004215")]),
  logged("The Mountain Goats", [
    found("discogs", "exact_match", 1, "4094426"),
    found("musicbrainz", "exact_match", 1, "72afb338-adc7-4b7a-b3ba-d379005ea447"),
    found("spotify", "trigram", 0.74, "rMLLRxUJf2kB0cKIXQ5imX")
  ]),
  logged("Mdou Moctar", [
    found("discogs", "name_variation", 0.96, "999349"),
    found("bandcamp", "exact_match", 1, "mdoumoctar")
  ]),
  logged("Tinariwen", [
    found("discogs", "exact_match", 1, "1567786"),
    found("spotify", "llm", 0.65, "P1zr649pJFGcwed61Jzyvw")
  ]),
  logged("Khruangbin", [found("spotify", "exact_match", 1, "GCs6CMa2im9Abl4guVUkyH")]),
  logged("Broadcast", [found("discogs", "exact_match", 1, "1004227"), nothing("wikidata", "exact_match")]),
  logged("Cate Le Bon", [
    found("discogs", "exact_match", 1, "5232675"),
    nothing("musicbrainz", "name_variation"),
    found("spotify", "exact_match", 1, "8AmsPJApsRLWLI7Jb4PoU1")
  ]),
  logged("Low", [found("discogs", "name_variation", 0.9, "630109")]),
  logged("Grouper", [found("discogs", "trigram", 0.71, "1931305")]),
  logged("Hand Habits", [found("discogs", "trigram", 0.7, "2517345")]),
  logged("Ata Kak", [
    found("discogs", "exact_match", 1, "7411097"),
    found("musicbrainz", "trigram", 0.69, "e57798ab-7744-44e6-81cb-95e45986e24a")
  ]),
  logged("Arthur Russell", [found("discogs", "alias_match", 0.8, "2711692")]),
  logged("Quasimoto", [found("discogs", "alias_match", 0.78, "7254597")]),
  logged("Viktor Vaughn", [
    found("discogs", "alias_match", 0.82, "1801558"),
    found("musicbrainz", "llm", 0.66, "9c360ae0-5c44-4fc1-a7c5-7887378e1096")
  ]),
  logged("Thurston Moore", [found("discogs", "member_group", 0.85, "2948737")]),
  logged("Kim Gordon", [found("wikidata", "member_group", 0.83, "Q43499735")]),
  logged("Panda Bear", [
    found("discogs", "member_group", 0.86, "281744"),
    found("spotify", "exact_match", 1, "iyRRJmljvc5gBwliDUF96t")
  ]),
  logged("Sun Ra", [
    found("discogs", "exact_match", 1, "4335006"),
    found("musicbrainz", "name_variation", 0.92, "e8457c78-a111-4323-8d61-480d9a2a97f0"),
    found("wikidata", "exact_match", 1, "Q56513936")
  ]),
  logged("Pharoah Sanders", [found("discogs", "exact_match", 1, "543324")]),
  logged("Fela Kuti", [found("discogs", "name_variation", 0.93, "8355460")]),
  logged("William Onyeabor", [
    found("discogs", "exact_match", 1, "8556138"),
    found("apple_music", "trigram", 0.72, "93836169")
  ]),
  logged("Hailu Mergia", [found("bandcamp", "exact_match", 1, "hailumergia")]),
  logged("Mulatu Astatke", [
    found("discogs", "exact_match", 1, "8235007"),
    found("musicbrainz", "exact_match", 1, "91e54a8c-52bb-4969-8180-488d5c30b5e5"),
    found("wikidata", "exact_match", 1, "Q114673284")
  ]),
  logged("Mary Lattimore", [
    found("spotify", "exact_match", 1, "WXC8RWMVtZtqrjs7duzfap"),
    found("bandcamp", "exact_match", 1, "marylattimore")
  ]),
  logged("Julia Holter", [found("discogs", "exact_match", 1, "5298955")]),
  logged("Slowdive", [
    found("discogs", "exact_match", 1, "1868552"),
    found("musicbrainz", "exact_match", 1, "962bc41d-1c2a-4a98-a6cb-b3c9ddb73d29")
  ]),
  logged("Duster", [found("spotify", "trigram", 0.73, "EriMVlnurYfPe9qAThIcYA")]),
  logged("Unwound", [
    found("discogs", "exact_match", 1, "7667568"),
    found("apple_music", "llm", 0.62, "1773292693"),
    nothing("bandcamp", "exact_match")
  ]),
  logged("Polvo", [found("discogs", "exact_match", 1, "2676733")]),
  logged("Hiss Golden Messenger", [
    found("discogs", "exact_match", 1, "6384916"),
    found("bandcamp", "exact_match", 1, "hissgoldenmessenger")
  ]),
  logged("Sylvan Esso", [
    found("spotify", "exact_match", 1, "IFlkEkCHcYgMlAa4kZVF8W"),
    found("apple_music", "exact_match", 1, "1356845920")
  ]),
  logged("Rapsody", [found("discogs", "name_variation", 0.95, "7766261")]),
  logged("Little Brother", [found("discogs", "llm", 0.65, "8907806")]),
  logged("9th Wonder", [
    found("discogs", "exact_match", 1, "4791298"),
    found("musicbrainz", "alias_match", 0.77, "9e9fefe3-8fb4-47ed-894e-d9852d57156f")
  ]),
  logged("The dB's", [found("discogs", "exact_match", 1, "7115052")]),
  logged("Let's Active", [found("discogs", "exact_match", 1, "8276370")]),
  logged("Mitski", [
    found("discogs", "exact_match", 1, "1331814"),
    found("spotify", "exact_match", 1, "N60EWBA9ITB9LrVkQeiodk"),
    found("apple_music", "exact_match", 1, "1319952150")
  ]),
  logged("Waxahatchee", [
    found("discogs", "exact_match", 1, "8066987"),
    found("bandcamp", "exact_match", 1, "waxahatchee")
  ]),
  logged("Big Thief", [found("discogs", "exact_match", 1, "6487676")]),
  logged("Tirzah", [found("discogs", "llm", 0.72, "6004835")]),
  logged("Nourished by Time", [nothing("discogs", "exact_match"), nothing("spotify", "trigram")]),
  logged("Boards of Canada", [
    found("discogs", "exact_match", 1, "7061120"),
    found("wikidata", "exact_match", 1, "Q13453321"),
    found("apple_music", "exact_match", 1, "916427018")
  ]),
  logged("Aphex Twin", [
    found("discogs", "exact_match", 1, "1910424"),
    found("musicbrainz", "exact_match", 1, "72ec4fdd-a0be-4fb5-8993-0d76c97f1614")
  ]),
  logged("AFX", [found("discogs", "alias_match", 0.8, "1910424")]),
  logged("Os Mutantes", [
    found("discogs", "exact_match", 1, "993157"),
    found("wikidata", "name_variation", 0.9, "Q100792896")
  ]),
  logged("Sinéad O'Connor", [
    found("discogs", "exact_match", 1, "4348397"),
    found("musicbrainz", "exact_match", 1, "f776e67b-62a6-49f4-a10e-4959262e309a")
  ]),
  logged("Motörhead", [found("discogs", "exact_match", 1, "8440230")]),
  logged("Chris Stamey", [found("discogs", "manual", 1, "4051440")]),
  legacy("Stereolab", { discogs_artist_id: 2154, wikidata_qid: "Q484464" }),
  legacy("Björk", {
    discogs_artist_id: 3860051,
    musicbrainz_artist_id: "c7f261dc-4377-4c2a-97ba-214183659899",
    wikidata_qid: "Q19401088",
    spotify_artist_id: "u4g7jUPPNpR1eVHUAsFfdP",
    apple_music_artist_id: "962566412"
  }),
  legacy("Deerhoof", { discogs_artist_id: 6235533, bandcamp_id: "deerhoof" }),
  legacy("Alice Coltrane", {
    discogs_artist_id: 1621551,
    musicbrainz_artist_id: "499349d8-f9e9-4c84-b994-0529faae2888",
    wikidata_qid: "Q30331007"
  }),
  legacy("Cocteau Twins", {
    discogs_artist_id: 4849054,
    wikidata_qid: "Q101396923",
    spotify_artist_id: "1pNElJk8M4lgNJ2Pxe7IQe"
  }),
  legacy("Beach House", { discogs_artist_id: 6644623, spotify_artist_id: "5CWmwQC6dE8j5NcjqwQFk9" })
]
