#!/usr/bin/env bash
# Macro benchmark: `closedloop load events` against DuckDB's own loader on the same generated NDJSON file.
# Usage: bench/load-vs-duckdb.sh [EVENTS...]   (default: 2000000 10000000)
# Each size: generate once, then run both loaders into fresh directories, alternating, RUNS times each;
# prints a markdown table row per run with wall time, events/s and peak RSS (from /usr/bin/time -v).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
sizes=("${@:-2000000 10000000}")
[ $# -eq 0 ] && sizes=(2000000 10000000)
runs=${RUNS:-3}
work=${BENCH_WORK:-bench/work}
mkdir -p "$work"

dotnet build -c Release src/ClosedLoop.Cli >/dev/null
dotnet build -c Release bench/ClosedLoop.Benchmarks >/dev/null
cli=src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll
peer=bench/ClosedLoop.Benchmarks/bin/Release/net10.0/ClosedLoop.Benchmarks.dll

measure() { # label events command...
  local label=$1 events=$2; shift 2
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >"$log.out" 2>"$log"
  local wall rss
  read -r wall rss < <(time_v_figures "$log")
  awk -v l="$label" -v n="$events" -v w="$wall" -v r="$rss" 'BEGIN { printf "| %s | %d | %.1f | %.0f | %.0f |\n", l, n, w, n / w, r / 1024 }'
  rm -f "$log" "$log.out"
}

echo "| loader | events | wall s | events/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  data="$work/gen-$n"
  [ -f "$data/events.ndjson" ] || dotnet "$cli" generate --out "$data" --events "$n" --seed 1 >/dev/null
  for i in $(seq "$runs"); do
    rm -rf "$work/lake" "$work/duck"
    measure "closedloop load events" "$n" dotnet "$cli" load events "$data/events.ndjson" --lake "$work/lake"
    measure "duckdb read_json -> COPY parquet" "$n" dotnet "$peer" duckdb-load "$data/events.ndjson" "$work/duck"
  done
done
rm -rf "$work/lake" "$work/duck"
