#!/usr/bin/env bash
# Macro benchmark: incremental `closedloop recompute` after one new day vs `recompute --full`, on the same lake.
# Usage: bench/recompute.sh [EVENTS] [DAYS]   (default 2000000 events over 60 days)
# Generates the data set once (seed 1), loads it into a base lake, holds back the last day's partition (the file the
# loader wrote for that day) and runs `recompute --full` on the rest. Then, RUNS times, two identical copies of the
# base lake get the last day back: one is timed with `recompute` (incremental), the other with `recompute --full`,
# alternating which goes first. Prints a markdown table (wall s, peak RSS MiB from /usr/bin/time -v) and medians.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
n=${1:-2000000}
days=${2:-60}
runs=${RUNS:-3}
work=${BENCH_WORK:-bench/work}
mkdir -p "$work"

dotnet build -c Release src/ClosedLoop.Cli >/dev/null
cli=src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll
data="$work/gen-$n-${days}d"
base="$work/recompute-base-$n-${days}d"
held="$work/recompute-held-$n-${days}d"
[ -f "$data/events.ndjson" ] || dotnet "$cli" generate --out "$data" --events "$n" --days "$days" --seed 1 >/dev/null
rm -rf "$base" "$held"
mkdir -p "$held"
dotnet "$cli" load events "$data/events.ndjson" --lake "$base" >/dev/null 2>&1
dotnet "$cli" load contacts "$data/contacts.csv" --lake "$base" >/dev/null
dotnet "$cli" load deals "$data/deals.csv" --lake "$base" >/dev/null
last=$(ls "$base/events" | sort | tail -1)
mv "$base/events/$last" "$held/"
dotnet "$cli" recompute --full --lake "$base" >/dev/null 2>&1
events=$(dotnet "$cli" sql --lake "$base" --format csv "select count(*) from events" | tail -1)
new=$(dotnet "$cli" sql --lake "$base" --format csv "select count(*) from read_parquet('$held/$last/*.parquet')" | tail -1)
echo "base: $events events in $(ls "$base/events" | wc -l) days; new day $last: $new events" >&2

# time_run MODE ARGS...: copies the base lake, adds the new day, times the recompute; prints "WALL RSS_KIB" and logs the summary.
time_run() {
  local mode=$1; shift
  local lake="$work/recompute-$mode"
  rm -rf "$lake"
  cp -a "$base" "$lake"
  cp -a "$held/$last" "$lake/events/"
  local log
  log=$(mktemp)
  /usr/bin/time -v dotnet "$cli" recompute "$@" --lake "$lake" >"$log.out" 2>"$log"
  time_v_figures "$log"
  grep -o 'step="[^"]*" seconds=[0-9.]*' "$log" | sed "s/^/    $mode: /" >&2
  sed "s/^/    $mode: /" "$log.out" >&2
  rm -f "$log" "$log.out"
  rm -rf "$lake"
}

echo "| run | mode | wall s | peak RSS MiB |"
echo "|---|---|---|---|"
inc_walls=()
full_walls=()
for i in $(seq "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then order="incremental full"; else order="full incremental"; fi
  for mode in $order; do
    if [ "$mode" = incremental ]; then read -r wall rss < <(time_run incremental); inc_walls+=("$wall")
    else read -r wall rss < <(time_run full --full); full_walls+=("$wall"); fi
    awk -v i="$i" -v m="$mode" -v w="$wall" -v r="$rss" 'BEGIN { printf "| %d | %s | %.1f | %.0f |\n", i, m, w, r / 1024 }'
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mi=$(median "${inc_walls[@]}")
mf=$(median "${full_walls[@]}")
awk -v i="$mi" -v f="$mf" 'BEGIN { printf "\nmedian wall: incremental %.1f s, full %.1f s, ratio %.0f%%\n", i, f, 100 * i / f }'
rm -rf "$base" "$held"
