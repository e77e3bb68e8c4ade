#!/usr/bin/env bash
# The measured inputs of docs/scale.md that the other benchmarks do not record, per seed size
# (PostgreSQL, a fresh local Spark Connect server per size, an empty lake): each phase of a first
# lake run (`lake ingest`, `lake build` with the gold tables, `lake export`), a direct `etl`, then a
# day's run (`d-`: the same three after a year's movimentos / 365 added on one day), with the CPU
# seconds the Spark JVM and PostgreSQL spent in each (per row: per movimento of the table); the bytes per row of the source table,
# of the CSV and of each Iceberg table's data files; the lake's files and partitions per table; the
# rows per month; the Spark server's peak memory. Sizes and CPU seconds change little with the
# machine's load; wall-clock seconds do, and docs/scale.md takes its times from the quiet-machine
# runs of bench/etl and bench/lake.
# Usage: bench/scale/run.sh [--sizes 1000000,3000000]
# Work files and logs go to BENCH_DIR (default /tmp/sicoop-bench-scale); the table also goes to
# bench/scale/results-<date>.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/../lib.sh"
sizes=1000000,3000000
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    *) echo "usage: run.sh [--sizes N,N...]" >&2; exit 2 ;;
  esac
done
sicoop="${SICOOP_BIN:-$root/build/sicoop}"
bench_dir="${BENCH_DIR:-/tmp/sicoop-bench-scale}"
results="$here/results-$(date +%F).txt"

spark_peak_mib() {  # the Spark server's peak RSS so far (VmHWM of its JVM)
  awk '/^VmHWM:/ {printf "%d", $2 / 1024}' "/proc/$spark_pid/status"
}

cpu_seconds() {  # cpu_seconds PID: the CPU seconds of the process and of its children it has reaped
  awk -v tick="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15 + $16 + $17) / tick}' "/proc/$1/stat"
}

# phase NAME COMMAND...: runs one phase and prints its wall-clock seconds and the CPU seconds of the
# Spark server's JVM and of PostgreSQL (the postmaster and its backends) during it. CPU seconds per
# row are what a machine's load changes least, and what sizes a cluster.
phase() {
  local name="$1" spark0 pg0 wall; shift
  spark0="$(cpu_seconds "$spark_pid")"; pg0="$(cpu_seconds "$pg_pid")"
  wall="$(seconds_of "$name-$n" "$@")"
  awk -v name="$name" -v w="$wall" -v s0="$spark0" -v s1="$(cpu_seconds "$spark_pid")" -v p0="$pg0" \
    -v p1="$(cpu_seconds "$pg_pid")" -v n="$n" 'BEGIN {
    printf "  %-8s %8.1f %10.1f %10.1f %14.2f %14.2f\n", name, w, s1 - s0, p1 - p0, (s1 - s0) * 1e6 / n, (p1 - p0) * 1e6 / n }'
}

# One line per Iceberg table: name, data bytes, data files, partitions (folders under data/), metadata
# bytes.
table_lines() {
  local table data parts
  for data in "$lake"/*/*/data; do
    table="$(dirname "$data")"; table="${table#"$lake"/}"
    parts="$(find "$data" -mindepth 1 -type d | wc -l)"
    printf '  %-34s %14d %8d %6d %12d\n' "${table/\//.}" "$(du -sb "$data" | cut -f1)" \
      "$(find "$data" -type f -name '*.parquet' | wc -l)" "$parts" "$(du -sb "$(dirname "$data")/metadata" | cut -f1)"
  done
}

measure() {  # measure N: prints the block of one size
  local n="$1" url spark lake="$work/lake" key="$work/token.key"
  stop_servers; rm -rf "$work"; mkdir -p "$work/logs" "$work/out"
  start_seeded_servers "$sicoop" "$n"
  head -c 32 /dev/urandom > "$key" && chmod 600 "$key"
  local spark_pid pg_pid
  spark_pid="$(sed -n 's/^pid  *//p' "$work/spark/spark-start.log")"
  pg_pid="$(head -1 "$work/db/pg/postmaster.pid")"
  local csv_bytes source_bytes months
  source_bytes="$(psql -qAt "$url" -c "SELECT pg_total_relation_size('movimento')")"
  months="$(psql -qAt "$url" -F ' ' -c "SELECT count(*), min(c), max(c) FROM (SELECT count(*) AS c FROM movimento
    GROUP BY date_trunc('month', data_movimento)) m")"
  echo "movimentos $n (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  log "the lake's phases for $n movimentos"
  printf '  %-8s %8s %10s %10s %14s %14s\n' phase seconds "Spark CPU s" "PG CPU s" "Spark CPU us/row" "PG CPU us/row"
  phase ingest "$sicoop" lake ingest --db "$url" --lake "$lake" --token-key-file "$key" --spark "$spark" --quiet
  phase build "$sicoop" lake build --lake "$lake" --spark "$spark" --quiet
  phase export "$sicoop" lake export -o "$work/out" --lake "$lake" --spark "$spark" --quiet
  phase direct "$sicoop" etl --db "$url" -o "$work/out-direct" --spark "$spark" --quiet
  local tables
  tables="$(table_lines)"
  # A day: a year's movimentos / 365, all dated on the seed's last day, on existing cards. The build
  # then recomputes one month of the per-month gold tables and, as every build with new movimentos
  # does, the whole feature tables.
  psql -q "$url" -c "SELECT setseed(0.5)" -c "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao)
    SELECT m.top + g, round((random() * 500 - 20)::numeric, 2), 'compra ' || g,
           TIMESTAMP '2024-12-31' + random() * INTERVAL '1 day', 1 + floor(random() * c.n)::int
    FROM generate_series(1, $((n / 365))) g, (SELECT MAX(id) AS top FROM movimento) m, (SELECT COUNT(*) AS n FROM cartao) c" >/dev/null
  phase d-ingest "$sicoop" lake ingest --db "$url" --lake "$lake" --token-key-file "$key" --spark "$spark" --quiet
  phase d-build "$sicoop" lake build --lake "$lake" --spark "$spark" --quiet
  phase d-export "$sicoop" lake export -o "$work/out-day" --lake "$lake" --spark "$spark" --quiet
  echo "  Spark server peak RSS $(spark_peak_mib) MiB; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  csv_bytes="$(stat -c %s "$work/out/movimento_flat.csv")"
  awk -v n="$n" -v c="$csv_bytes" -v s="$source_bytes" -v m="$months" 'BEGIN {
    split(m, f, " ")
    printf "  CSV %d bytes (%.1f per movimento); PostgreSQL movimento with its indexes %d bytes (%.1f per row)\n", c, c / n, s, s / n
    printf "  months %d, movimentos per month %d to %d\n", f[1], f[2], f[3] }'
  echo "  the lake after the first run:"
  printf '  %-34s %14s %8s %6s %12s\n' table "data bytes" files parts "meta bytes"
  echo "$tables"
  stop_servers
}

main() {
  [ -x "$sicoop" ] || { log "no sicoop at $sicoop; build it first (make build)"; exit 1; }
  {
    work="$bench_dir/none"
    trap stop_servers EXIT
    echo "sicoop scale inputs, $(date -u '+%F %H:%M UTC'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ', src/ with uncommitted changes')"
    echo "PostgreSQL, seed 1, per size: a first lake run (ingest, build, export), a direct etl, a day's lake run (d-)"
    local n
    for n in ${sizes//,/ }; do
      work="$bench_dir/$n"
      echo
      measure "$n"
    done
  } | tee "$results"
}

main
