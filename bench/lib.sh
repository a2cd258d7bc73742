# Shared by the bench scripts (source it): read a `/usr/bin/time -v` log.

# time_v_figures LOG: prints "WALL_SECONDS PEAK_RSS_KIB" from the log /usr/bin/time -v wrote.
time_v_figures() {
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$1" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep 'Maximum resident set size' "$1" | awk '{print $NF}')
  echo "$wall $rss"
}
