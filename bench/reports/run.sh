#!/usr/bin/env bash
# The member reports benchmark of issue #12: PostgreSQL seeded with N movimentos (seed 1), one
# `sicoop etl --lake` (ingest, build with the gold tables, export) on a warm local Spark Connect
# server, then, on a fresh server (so that its peak memory is the reports' alone),
# `sicoop report members` for the busiest month, timed by /usr/bin/time -v: wall-clock seconds, the
# files written, sicoop's peak resident memory (time's "Maximum resident set size") and the Spark
# server's (VmHWM of its JVM, read from /proc before it stops).
# Usage: bench/reports/run.sh [--size 1000000] [--jobs N (default: the cores)]
# Work files and logs go to BENCH_DIR (default /tmp/sicoop-bench-reports); the table also goes to
# bench/reports/results-<date>.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/../lib.sh"
jobs="$(nproc)"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
size_from_args --size 1000000 "${args[@]}"
sicoop="${SICOOP_BIN:-$root/build/sicoop}"
work="${BENCH_DIR:-/tmp/sicoop-bench-reports}"
results="$here/results-$(date +%F).txt"

# The peak resident memory of the Spark server's JVM so far, in KiB.
spark_peak_kib() {
  local pid; pid="$(sed -n 's/^pid  *//p' "$work/spark/spark-start.log")"
  awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"
}

main() {
  [ -x "$sicoop" ] || { log "no sicoop at $sicoop; build it first (make build)"; exit 1; }
  [ -x /usr/bin/time ] || { log "no /usr/bin/time: apt-get install time"; exit 1; }
  stop_servers; rm -rf "$work"; mkdir -p "$work/logs" "$work/reports"
  trap stop_servers EXIT
  local url spark lake="$work/lake" key="$work/token.key"
  start_seeded_servers "$sicoop" "$size"
  head -c 32 /dev/urandom > "$key" && chmod 600 "$key"

  log "etl --lake (ingest, build with gold, export)"
  local etl; etl="$(seconds_of etl "$sicoop" etl --db "$url" -o "$work/out" --lake "$lake" --token-key-file "$key" \
    --spark "$spark" --quiet)"
  local month members
  month="$(psql -qAt "$url" -c "SELECT to_char(data_movimento, 'YYYY-MM') FROM movimento GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")"
  members="$(psql -qAt "$url" -c "SELECT count(DISTINCT co.id_associado) FROM movimento m JOIN cartao k ON m.id_cartao = k.id
    JOIN conta co ON k.id_conta = co.id WHERE to_char(m.data_movimento, 'YYYY-MM') = '$month'")"

  log "a fresh Spark server for the reports alone"
  bash "$root/tests/harness/servers.sh" start "$work/spark" spark
  spark="$(sed -n 's/^SICOOP_TEST_SPARK=//p' "$work/spark/servers.env")"
  log "report members --month $month ($members members) --jobs $jobs"
  /usr/bin/time -v -o "$work/logs/time.txt" "$sicoop" report members --lake "$lake" --month "$month" \
    -o "$work/reports" --jobs "$jobs" --spark "$spark" --quiet >"$work/logs/report.log" 2>&1 ||
    { log "report members failed; see $work/logs/report.log"; tail -5 "$work/logs/report.log" >&2; exit 1; }
  local spark_kib; spark_kib="$(spark_peak_kib)"
  local seconds sicoop_kib files bytes
  seconds="$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/logs/time.txt")"
  sicoop_kib="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/logs/time.txt")"
  files="$(find "$work/reports" -name 'associado-*.html' | wc -l)"
  bytes="$(du -sb "$work/reports" | cut -f1)"
  {
    echo "sicoop member reports benchmark, $(date -u '+%F %H:%M UTC'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$root" rev-parse --short HEAD)"
    echo "PostgreSQL, $size movimentos (seed 1), local Spark Connect server; one run each"
    echo
    printf '%-52s %s\n' "etl --lake (ingest, build with gold, export)" "$etl s"
    printf '%-52s %s\n' "report members --month $month --jobs $jobs" "$seconds s"
    printf '%-52s %s\n' "  members with movimentos in the month (source)" "$members"
    printf '%-52s %s\n' "  files written" "$files ($((bytes / 1024)) KiB)"
    printf '%-52s %s\n' "  sicoop peak RSS" "$((sicoop_kib / 1024)) MiB"
    printf '%-52s %s\n' "  Spark server peak RSS (VmHWM, fresh server)" "$((spark_kib / 1024)) MiB"
  } | tee "$results"
}

main
