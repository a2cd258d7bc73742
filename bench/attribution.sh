#!/usr/bin/env bash
# Macro benchmark: attribution on a generated data set (default 10M events), loaded and stitched once.
# Times, as whole processes (/usr/bin/time -v): all rule-based models for every conversion type in one
# `closedloop attribute --conversion all`, the same as one process per type (summed), then Markov (order 1)
# and Shapley for deals, RUNS times each.
# Usage: bench/attribution.sh [EVENTS]
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
lake="$work/attribution-lake-$n"
[ -f "$data/events.ndjson" ] || dotnet "$cli" generate --out "$data" --events "$n" --seed 1 >/dev/null
if [ ! -d "$lake/derived/conversions" ]; then
  rm -rf "$lake"
  dotnet "$cli" load events "$data/events.ndjson" --lake "$lake" >/dev/null 2>&1
  for t in contacts deals spend; do dotnet "$cli" load "$t" "$data/$t.csv" --lake "$lake" >/dev/null; done
  dotnet "$cli" stitch --lake "$lake" >/dev/null 2>&1
fi
heuristic=first,last,last_non_direct,linear,position,w_shaped,full_path,time_decay,j_shaped,inverse_j,participation
types=$(dotnet "$cli" sql --lake "$lake" --format csv "select distinct conversion_type from conversions order by 1" | tail -n +2)
conversions=$(dotnet "$cli" sql --lake "$lake" --format csv "select count(*) from conversions" | tail -1)

timed() { # prints "wall_seconds peak_rss_kib" of one command
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log"
  time_v_figures "$log"
  rm -f "$log"
}

echo "| run | what | conversions | wall s | peak RSS MiB |"
echo "|---|---|---|---|---|"
for i in $(seq "$runs"); do
  read -r wall rss < <(timed dotnet "$cli" attribute --lake "$lake" --conversion all --model "$heuristic" --format csv)
  awk -v i="$i" -v c="$conversions" -v w="$wall" -v r="$rss" 'BEGIN { printf "| %d | 11 rule-based models, every conversion type, one process | %d | %.1f | %.0f |\n", i, c, w, r / 1024 }'
  total=0; peak=0
  while IFS= read -r type; do
    read -r wall rss < <(timed dotnet "$cli" attribute --lake "$lake" --conversion "$type" --model "$heuristic" --format csv)
    total=$(awk -v a="$total" -v b="$wall" 'BEGIN { print a + b }')
    peak=$(( rss > peak ? rss : peak ))
  done <<< "$types"
  awk -v i="$i" -v c="$conversions" -v w="$total" -v r="$peak" 'BEGIN { printf "| %d | 11 rule-based models, one process per conversion type (sum) | %d | %.1f | %.0f |\n", i, c, w, r / 1024 }'
  deals=$(dotnet "$cli" sql --lake "$lake" --format csv "select count(*) from conversions where conversion_type = 'deal'" | tail -1)
  for model in markov shapley; do
    read -r wall rss < <(timed dotnet "$cli" attribute --lake "$lake" --conversion deal --model "$model" --format csv)
    awk -v i="$i" -v m="$model" -v c="$deals" -v w="$wall" -v r="$rss" 'BEGIN { printf "| %d | %s, deals | %d | %.1f | %.0f |\n", i, m, c, w, r / 1024 }'
  done
done
