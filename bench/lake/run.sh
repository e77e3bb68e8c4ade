#!/usr/bin/env bash
# The lake benchmark of issue #10: one run, same machine, same data (`sicoop db seed`), PostgreSQL,
# a warm local Spark Connect server:
#   (a) today's direct `sicoop etl`
#   (b) the first full `sicoop etl --lake` (ingest, build, export) into an empty lake
#   (c) an incremental `sicoop etl --lake` after N/100 new movimentos (1%, on existing cards)
#   (c1) `sicoop lake ingest` alone after another N/100 new movimentos
#   (d) `sicoop lake export` alone
# and prints seconds, the ratios (c)/(b), (c1)/(b), (d)/(a), (b)/(a), the movimento rows the
# source read for (c) (PostgreSQL's own statistics, pg_stat_user_tables) against the table's rows,
# the lake's bytes on disk against the CSV's, and whether (a), (b), (c), (d) wrote the file a direct
# run writes from the same source state.
# Usage: bench/lake/run.sh [--size 10000000]
# Work files and logs go to BENCH_DIR (default /tmp/sicoop-bench-lake); the table also goes to
# bench/lake/results-<date>.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/../lib.sh"
size_from_args "$@"
sicoop="${SICOOP_BIN:-$root/build/sicoop}"
work="${BENCH_DIR:-/tmp/sicoop-bench-lake}"
results="$here/results-$(date +%F).txt"

movimento_rows_read() {  # the rows PostgreSQL's scans of movimento have returned so far
  psql -qAt "$url" -c "SELECT pg_stat_force_next_flush()" >/dev/null 2>&1 || true
  psql -qAt "$url" -c "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = 'movimento'"
}

add_movimentos() {  # add_movimentos N SEED: N new movimentos on existing cards, dated over 2024, ids above the others
  psql -q "$url" -c "SELECT setseed($2 / 100.0)" -c "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao)
    SELECT m.top + g, round((random() * 500 - 20)::numeric, 2), 'compra ' || g,
           TIMESTAMP '2024-01-01' + random() * INTERVAL '365 days', 1 + floor(random() * c.n)::int
    FROM generate_series(1, $1) g, (SELECT MAX(id) AS top FROM movimento) m, (SELECT COUNT(*) AS n FROM cartao) c" >/dev/null
}

main() {
  [ -x "$sicoop" ] || { log "no sicoop at $sicoop; build it first (make build)"; exit 1; }
  stop_servers; rm -rf "$work"; mkdir -p "$work/logs" "$work/out"
  trap stop_servers EXIT
  local url spark lake="$work/lake" key="$work/token.key" step=$((size / 100))
  start_seeded_servers "$sicoop" "$size"
  head -c 32 /dev/urandom > "$key" && chmod 600 "$key"

  local lake_args=(--lake "$lake" --token-key-file "$key" --spark "$spark" --quiet)
  log "(a) direct etl"
  local a b c c1 d read_before read_after rows
  a="$(seconds_of a "$sicoop" etl --db "$url" -o "$work/out/a" --spark "$spark" --quiet)"
  log "(b) first full etl --lake"
  b="$(seconds_of b "$sicoop" etl --db "$url" -o "$work/out/b" "${lake_args[@]}")"
  local same_b; same_b="$(same "$work/out/a/movimento_flat.csv" "$work/out/b/movimento_flat.csv")"

  log "adding $step movimentos (1%) on existing cards"
  add_movimentos "$step" 2
  read_before="$(movimento_rows_read)"
  log "(c) incremental etl --lake"
  c="$(seconds_of c "$sicoop" etl --db "$url" -o "$work/out/c" "${lake_args[@]}")"
  read_after="$(movimento_rows_read)"
  rows="$(psql -qAt "$url" -c "SELECT count(*) FROM movimento")"
  "$sicoop" etl --db "$url" -o "$work/out/c-direct" --spark "$spark" --quiet >/dev/null 2>&1
  local same_c; same_c="$(same "$work/out/c-direct/movimento_flat.csv" "$work/out/c/movimento_flat.csv")"

  log "adding another $step movimentos; (c1) lake ingest alone"
  add_movimentos "$step" 3
  c1="$(seconds_of c1 "$sicoop" lake ingest --db "$url" "${lake_args[@]}")"
  log "(d) lake export alone (of the state (c) built)"
  d="$(seconds_of d "$sicoop" lake export -o "$work/out/d" --lake "$lake" --spark "$spark" --quiet)"
  local same_d; same_d="$(same "$work/out/c/movimento_flat.csv" "$work/out/d/movimento_flat.csv")"

  local lake_bytes csv_bytes
  lake_bytes="$(du -sb --exclude=_sicoop "$lake" | cut -f1)"
  csv_bytes="$(stat -c %s "$work/out/c/movimento_flat.csv")"
  {
    echo "sicoop lake benchmark, $(date -u '+%F %H:%M UTC'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, commit $(git -C "$root" rev-parse --short HEAD)"
    echo "PostgreSQL, $size movimentos (seed 1), warm local Spark Connect server; one run each"
    echo
    printf '%-44s %10s\n' case seconds
    printf '%-44s %10s\n' "(a) direct etl" "$a"
    printf '%-44s %10s\n' "(b) first full etl --lake" "$b"
    printf '%-44s %10s\n' "(c) incremental etl --lake, +$step movimentos" "$c"
    printf '%-44s %10s\n' "(c1) lake ingest alone, +$step movimentos" "$c1"
    printf '%-44s %10s\n' "(d) lake export alone" "$d"
    echo
    awk -v a="$a" -v b="$b" -v c="$c" -v c1="$c1" -v d="$d" 'BEGIN {
      printf "(c)/(b)  %.3f   (target <= 0.10)\n", c / b
      printf "(c1)/(b) %.3f\n", c1 / b
      printf "(d)/(a)  %.2f    (target <= 0.8)\n", d / a
      printf "(b)/(a)  %.2f    (target <= 2)\n", b / a }'
    awk -v r="$((read_after - read_before))" -v n="$rows" 'BEGIN {
      printf "(c) movimento rows read by the source: %d of %d (%.2f%%; target <= 2%%)\n", r, n, 100 * r / n }'
    awk -v l="$lake_bytes" -v s="$csv_bytes" 'BEGIN {
      printf "lake bytes on disk %d, CSV bytes %d: %.1f%% (target <= 30%%)\n", l, s, 100 * l / s }'
    echo "(b) vs (a): $same_b; (c) vs a direct etl of the same state: $same_c; (d) vs (c): $same_d"
  } | tee "$results"
}

main
