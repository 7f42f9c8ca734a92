/** Builders for simulator requests, shared by the simulator tests. */
import { BULK_RESOLVE_PATH } from "../../src/domain/LmlWire.js"
import type { SimRequest } from "../../src/simulator/LmlSimulator.js"

export interface Row {
  readonly library_id: number
  readonly artist_name: string
  readonly album_title: string
}

export const row = (library_id: number, artist_name: string, album_title = "Some Album"): Row => ({
  library_id,
  artist_name,
  album_title
})

export const rawRequest = (body: string, headers: Record<string, string> = {}): SimRequest => ({
  method: "POST",
  path: BULK_RESOLVE_PATH,
  headers: { "content-type": "application/json", ...headers },
  body
})

export const bulkRequest = (
  inputs: ReadonlyArray<unknown>,
  headers: Record<string, string> = {}
): SimRequest => rawRequest(JSON.stringify({ inputs }), headers)

export const rows = (count: number, firstId = 1): ReadonlyArray<Row> =>
  Array.from({ length: count }, (_, i) => row(firstId + i, `Synthetic Artist ${firstId + i}`))

/** A catalog row as sent when its release's tracks can be looked up. */
export const releaseRow = (
  library_id: number,
  artist_name: string,
  legacy_release_id: number | null
): Row & { readonly legacy_release_id: number | null } => ({
  ...row(library_id, artist_name),
  legacy_release_id
})

/** A batch that sets `include_tracks`, which the whole batch shares. */
export const tracksRequest = (
  inputs: ReadonlyArray<unknown>,
  include_tracks: unknown = true,
  headers: Record<string, string> = {}
): SimRequest => rawRequest(JSON.stringify({ inputs, include_tracks }), headers)
