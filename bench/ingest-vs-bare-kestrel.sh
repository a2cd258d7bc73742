#!/usr/bin/env bash
# Ingest benchmark: `closedloop serve` (a 200 only after the write-ahead log's group-committed fsync) against a bare
# Kestrel endpoint that only reads and discards the same request bodies (`ClosedLoop.LoadGenerator bare-kestrel`),
# with the same load generator, connections, batch size and duration, alternating A/B, RUNS times.
# Usage: bench/ingest-vs-bare-kestrel.sh
#   env: RUNS=2 CONNECTIONS=16 BATCH=100 DURATION=20s WARMUP=3s BENCH_WORK=bench/work SERVICE_PORT=18080 BARE_PORT=18081
# Per run: the service at full speed (closed loop), the service again on a fresh lake at half of that rate (open loop,
# latency counted from when each request was due), then the bare endpoint at full speed. Each server runs under
# /usr/bin/time -v for its peak RSS and is stopped with SIGTERM (the service then writes its log to Parquet);
# the service's lake must then hold exactly the events acknowledged with a 200. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-2}
connections=${CONNECTIONS:-16}
batch=${BATCH:-100}
duration=${DURATION:-20s}
warmup=${WARMUP:-3s}
work=${BENCH_WORK:-bench/work}/ingest
service_port=${SERVICE_PORT:-18080}
bare_port=${BARE_PORT:-18081}
key=bench-key
rm -rf "$work"
mkdir -p "$work"

dotnet build -c Release src/ClosedLoop.Cli >/dev/null
dotnet build -c Release bench/ClosedLoop.LoadGenerator >/dev/null
cli=src/ClosedLoop.Cli/bin/Release/net10.0/closedloop.dll
lg=bench/ClosedLoop.LoadGenerator/bin/Release/net10.0/ClosedLoop.LoadGenerator.dll

server_pid=
start_server() { # NAME PORT COMMAND... : starts it under /usr/bin/time -v and waits for /healthz
  local name=$1 port=$2
  shift 2
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$name exited before answering /healthz:" >&2
      cat "$work/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name did not answer /healthz within 60 s" >&2
  exit 1
}

rss=
cpu=
stop_server() { # NAME : SIGTERM to the server (the child of time), wait for it; sets rss (peak RSS, MiB) and cpu (user + system s)
  local name=$1 child status=0
  child=$(pgrep -P "$server_pid" || true)
  [ -n "$child" ] && kill -TERM "$child"
  wait "$server_pid" || status=$?
  [ "$status" -eq 0 ] || echo "$name exited with status $status" >&2
  rss=$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$work/$name.time")
  cpu=$(awk '/User time|System time/ { s += $NF } END { printf "%.1f", s }' "$work/$name.time")
}

load() { # PORT NAME [--rate N] : runs the load generator; its JSON line goes to $work/NAME.json
  local port=$1 name=$2
  shift 2
  dotnet "$lg" load-gen "http://127.0.0.1:$port/v1/batch" --write-key "$key" --connections "$connections" \
    --batch "$batch" --duration "$duration" --warmup "$warmup" "$@" >"$work/$name.out" || true
  grep '^{' "$work/$name.out" >"$work/$name.json" || { echo "load-gen printed no result:" >&2; cat "$work/$name.out" >&2; exit 1; }
  grep '^load-gen:' "$work/$name.out" | sed "s/^/[$name] /" >&2
}

field() { jq -r ".$2" "$work/$1.json"; }

lake_count() { dotnet "$cli" sql "select count(*) as n from events" --lake "$1" --format csv | tail -n 1 | tr -dc 0-9; }

rows=()
row() { # RUN SERVER LOAD NAME CHECK (uses rss and cpu)
  local j="$work/$4.json"
  rows+=("$(jq -r --arg run "$1" --arg server "$2" --arg load "$3" --arg rss "$rss" --arg cpu "$cpu" --arg check "$5" \
    '"| \($run) | \($server) | \($load) | \(.events_per_s | floor) | \(.requests_per_s | floor) | \(.p50_ms) | \(.p99_ms) | \(.non200) | \($rss) | \($cpu) | \($check) |"' "$j")")
}

summary=()
for i in $(seq "$runs"); do
  # A: the service at full speed.
  lake="$work/lake-$i"
  start_server "service-$i" "$service_port" dotnet "$cli" serve --write-key "$key" --lake "$lake" --urls "http://127.0.0.1:$service_port"
  load "$service_port" "service-$i"
  stop_server "service-$i"
  acked=$(field "service-$i" acknowledged_total)
  stored=$(lake_count "$lake")
  check="$acked / $stored $([ "$acked" = "$stored" ] && echo ok || echo MISMATCH)"
  row "$i" "closedloop serve" "closed loop" "service-$i" "$check"
  peak=$(field "service-$i" events_per_s)

  # A at half of its peak, open loop, on a fresh lake.
  half=$(awk -v p="$peak" 'BEGIN { printf "%.0f", p / 2 }')
  lake="$work/lake-$i-half"
  start_server "service-$i-half" "$service_port" dotnet "$cli" serve --write-key "$key" --lake "$lake" --urls "http://127.0.0.1:$service_port"
  load "$service_port" "service-$i-half" --rate "$half"
  stop_server "service-$i-half"
  acked=$(field "service-$i-half" acknowledged_total)
  stored=$(lake_count "$lake")
  check="$acked / $stored $([ "$acked" = "$stored" ] && echo ok || echo MISMATCH)"
  row "$i" "closedloop serve" "open loop, $half events/s" "service-$i-half" "$check"
  rm -rf "$work/lake-$i" "$work/lake-$i-half"

  # B: the bare endpoint at full speed.
  start_server "bare-$i" "$bare_port" dotnet "$lg" bare-kestrel --urls "http://127.0.0.1:$bare_port"
  load "$bare_port" "bare-$i"
  stop_server "bare-$i"
  row "$i" "bare Kestrel (read + discard)" "closed loop" "bare-$i" "n/a"
  bare=$(field "bare-$i" events_per_s)
  summary+=("run $i: service / bare Kestrel = $(awk -v s="$peak" -v b="$bare" 'BEGIN { printf "%.2f", s / b }')")
done

echo
echo "$connections connections, batch $batch, $duration measured after $warmup warmup; latency in ms (open loop: from when each request was due); server CPU = user + system seconds of the whole server process (start, warmup, run, final flush); acknowledged / in lake = events answered 200 (warmup included) / count(*) of the lake after SIGTERM"
echo
echo "| run | server | load | events/s | requests/s | p50 ms | p99 ms | non-200 | peak RSS MiB | server CPU s | acknowledged / in lake |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
printf '%s\n' "${summary[@]}"
