#!/usr/bin/env bash
# Reproduces the container image's steps without a Docker engine: the build stage's compile,
# the runtime stage's production-only install in a clean directory, then the entrypoint's
# `--help` and a dry run against the test database and the simulated LML.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
database_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
schema="container_smoke_$$"
app="$(mktemp -d)"
simulator_pid=""
cleanup() {
  [ -n "$simulator_pid" ] && kill "$simulator_pid" 2>/dev/null || true
  psql "$database_url" -qc "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null 2>&1 || true
  rm -rf "$app"
}
trap cleanup EXIT

echo "container-smoke: build stage"
(cd "$repo" && npm run --silent build)

echo "container-smoke: runtime stage in $app"
cp "$repo/package.json" "$repo/package-lock.json" "$app/"
cp -r "$repo/dist" "$app/dist"
(cd "$app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
[ ! -d "$app/node_modules/vitest" ] || { echo "container-smoke: dev dependencies were installed"; exit 1; }

cd "$app"
node dist/cli.mjs --help >/dev/null
node dist/cli.mjs run --help >/dev/null
node dist/cli.mjs schedule --help >/dev/null

# The simulated LML ships in the image's dist/ too; it prints its URL once listening.
node dist/src/simulator/main.js >"$app/simulator.out" &
simulator_pid=$!
for _ in $(seq 1 50); do grep -q url "$app/simulator.out" 2>/dev/null && break; sleep 0.1; done
lml_url="$(sed -E 's/.*"url":"([^"]+)".*/\1/' "$app/simulator.out")"

export DATABASE_URL="$database_url" WXYC_SCHEMA_NAME="$schema" LIBRARY_METADATA_URL="$lml_url" EMBEDDED=false
node dist/cli.mjs migrate 2>/dev/null
psql "$database_url" -qc "INSERT INTO \"$schema\".library (artist_name, album_title, canonical_entity_id)
  SELECT 'Synthetic Artist ' || n, 'Album ' || n, 'ce-' || n FROM generate_series(1, 50) AS n"
report="$(DRY_RUN=true node dist/cli.mjs run 2>/dev/null)"
echo "container-smoke: dry run report $report"
node -e 'const r = JSON.parse(process.argv[1]); if (r.scanned !== 50 || !("would_resolve" in r)) process.exit(1)' "$report"
written="$(psql "$database_url" -tAc "SELECT count(*) FROM \"$schema\".library_identity")"
[ "$written" = "0" ] || { echo "container-smoke: the dry run wrote $written rows"; exit 1; }
# A dry run marks nothing either, so all 50 are still due; status needs no LML.
status="$(LIBRARY_METADATA_URL= node dist/cli.mjs status 2>/dev/null)"
echo "container-smoke: status $status"
node -e 'const s = JSON.parse(process.argv[1]); if (s.due_now.non_va !== 50) process.exit(1)' "$status"
echo "container-smoke: ok"
