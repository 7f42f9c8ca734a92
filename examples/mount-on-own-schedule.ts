import { NodeRuntime } from "@effect/platform-node"
import { Cron, Effect, Either, Layer } from "effect"
import { Consumer, ConsumerLive, ScheduledRuns } from "library-identity-consumer"

// Refresh identities at 03:00 UTC inside an app that has its own MainLive.
const nightly = Either.getOrThrow(Cron.parse("0 3 * * *", "UTC"))
const refresh = Effect.flatMap(Consumer, (consumer) => consumer.run)
const IdentityRefreshLive = ScheduledRuns.layer(nightly, refresh).pipe(Layer.provide(ConsumerLive))

Layer.launch(IdentityRefreshLive).pipe(NodeRuntime.runMain)
