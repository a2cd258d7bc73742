#!/usr/bin/env bash
# Macro benchmark: `closedloop stitch` (identities + sessions + touchpoints) on a generated data set.
# Usage: bench/stitch.sh [EVENTS]   (default 10000000)
# Generates the data set once (seed 1) and loads it once into a fresh lake, then times RUNS stitch runs,
# printing a markdown table row per run with wall time, events/s and peak RSS (from /usr/bin/time -v).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
n=${1:-10000000}
runs=${RUNS:-3}
work=${BENCH_WORK:-bench/work}
mkdir -p "$work"

dotnet build -c Release src/ClosedLoop.Cli >/dev/null
cli=src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll
data="$work/gen-$n"
lake="$work/stitch-lake-$n"
[ -f "$data/events.ndjson" ] || dotnet "$cli" generate --out "$data" --events "$n" --seed 1 >/dev/null
rm -rf "$lake"
dotnet "$cli" load events "$data/events.ndjson" --lake "$lake" >/dev/null 2>&1
dotnet "$cli" load contacts "$data/contacts.csv" --lake "$lake" >/dev/null
events=$(dotnet "$cli" sql --lake "$lake" --format csv "select count(*) from events" | tail -1)

echo "| run | events | wall s | events/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
for i in $(seq "$runs"); do
  log=$(mktemp)
  /usr/bin/time -v dotnet "$cli" stitch --lake "$lake" >"$log.out" 2>"$log"
  read -r wall rss < <(time_v_figures "$log")
  awk -v i="$i" -v n="$events" -v w="$wall" -v r="$rss" 'BEGIN { printf "| %d | %d | %.1f | %.0f | %.0f |\n", i, n, w, n / w, r / 1024 }'
  grep '^stitch:' "$log" | sed 's/^/    /' >&2
  tail -1 "$log.out" >&2
  rm -f "$log" "$log.out"
done
rm -rf "$lake"
