/**
 * The simulated LML's per-track store for the demo: the credits its matcher holds for each V/A
 * release of the demo catalog, keyed by the release's `legacy_release_id` as LML keys them.
 */
import { makeTrackStore, type TrackCredit, type TrackStore } from "../simulator/TrackStore.js"
import { demoCatalog, type DemoRelease, hasCredits } from "./DemoCatalog.js"
import { matcherCredits } from "./demoCredits.js"

export const demoTrackStore = (catalog: ReadonlyArray<DemoRelease> = demoCatalog()): TrackStore =>
  makeTrackStore(
    new Map(
      catalog.flatMap((release): ReadonlyArray<readonly [number, ReadonlyArray<TrackCredit>]> => {
        const credits = hasCredits(release.id) ? matcherCredits(release.id) : undefined
        return credits === undefined ? [] : [[release.legacy_release_id, credits]]
      })
    )
  )
