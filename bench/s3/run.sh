#!/usr/bin/env bash
# The object-storage benchmark of issue #11: one run, same machine, same data (`sicoop db seed`),
# PostgreSQL, a warm local Spark Connect server and the test harness's S3-compatible server
# (s3proxy on a local folder, the same disk):
#   (a) `sicoop etl` into a local folder      (b) the same into s3a://bench/direct
#   (c) `sicoop lake export` of a local lake into a local folder   (d) the same into s3a://bench/export
# and prints seconds, the ratios (b)/(a) and (d)/(c) (target <= 1.5), how long each publication
# took (sicoop's summary), and whether the objects hold the local files' bytes.
# Usage: bench/s3/run.sh [--size 10000000]
# Work files and logs go to BENCH_DIR (default /tmp/sicoop-bench-s3); the table also goes to
# bench/s3/results-<date>.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/../lib.sh"
size_from_args "$@"
sicoop="${SICOOP_BIN:-$root/build/sicoop}"
work="${BENCH_DIR:-/tmp/sicoop-bench-s3}"
results="$here/results-$(date +%F).txt"

main() {
  [ -x "$sicoop" ] || { log "no sicoop at $sicoop; build it first (make build)"; exit 1; }
  stop_servers; rm -rf "$work"; mkdir -p "$work/logs" "$work/out"
  trap stop_servers EXIT
  local env_file="$work/spark/servers.env" url spark
  start_seeded_servers "$sicoop" "$size"
  # sicoop takes the S3 server's address and keys the AWS way, from the environment.
  export AWS_ENDPOINT_URL_S3="$(sed -n 's/^SICOOP_TEST_S3_ENDPOINT=//p' "$env_file")"
  export AWS_ACCESS_KEY_ID="$(sed -n 's/^SICOOP_TEST_S3_ACCESS_KEY=//p' "$env_file")"
  export AWS_SECRET_ACCESS_KEY="$(sed -n 's/^SICOOP_TEST_S3_SECRET_KEY=//p' "$env_file")"
  export AWS_REGION="$(sed -n 's/^SICOOP_TEST_S3_REGION=//p' "$env_file")"
  local s3_root; s3_root="$(sed -n 's/^SICOOP_TEST_S3_ROOT=//p' "$env_file")"
  mkdir -p "$s3_root/bench"
  local lake="$work/lake" key="$work/token.key"
  head -c 32 /dev/urandom > "$key" && chmod 600 "$key"

  local a b c d
  log "(a) etl into a local folder"
  a="$(seconds_of a "$sicoop" etl --db "$url" -o "$work/out/a" --spark "$spark")"
  log "(b) etl into s3a://bench/direct"
  b="$(seconds_of b "$sicoop" etl --db "$url" -o s3a://bench/direct --spark "$spark")"
  log "building a local lake for the exports"
  "$sicoop" lake ingest --db "$url" --lake "$lake" --token-key-file "$key" --spark "$spark" --quiet >/dev/null
  "$sicoop" lake build --lake "$lake" --spark "$spark" --quiet >/dev/null
  log "(c) lake export into a local folder"
  c="$(seconds_of c "$sicoop" lake export --lake "$lake" -o "$work/out/c" --spark "$spark")"
  log "(d) lake export into s3a://bench/export"
  d="$(seconds_of d "$sicoop" lake export --lake "$lake" -o s3a://bench/export --spark "$spark")"
  {
    echo "sicoop object-storage benchmark, $(date -u '+%F %H:%M UTC'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, commit $(git -C "$root" rev-parse --short HEAD)"
    echo "PostgreSQL, $size movimentos (seed 1), warm local Spark Connect server, s3proxy $(ls "${SICOOP_CACHE:-$HOME/.cache/sicoop}"/tools 2>/dev/null | sed -n 's/^s3proxy-\(.*\)-jar-with-dependencies.jar$/\1/p') on the same disk; one run each"
    echo
    printf '%-44s %10s\n' case seconds
    printf '%-44s %10s\n' "(a) etl into a local folder" "$a"
    printf '%-44s %10s\n' "(b) etl into S3" "$b"
    printf '%-44s %10s\n' "(c) lake export into a local folder" "$c"
    printf '%-44s %10s\n' "(d) lake export into S3" "$d"
    echo
    awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" 'BEGIN {
      printf "(b)/(a)  %.2f    (target <= 1.5)\n", b / a
      printf "(d)/(c)  %.2f    (target <= 1.5)\n", d / c }'
    echo "publication (sicoop's summary): (a) $(grep -o 'publish [0-9.]* s' "$work/logs/a.log"), (b) $(grep -o 'publish [0-9.]* s' "$work/logs/b.log")"
    echo "(b) vs (a): $(same "$work/out/a/movimento_flat.csv" "$s3_root/bench/direct/movimento_flat.csv");" \
         "(d) vs (c): $(same "$work/out/c/movimento_flat.csv" "$s3_root/bench/export/movimento_flat.csv")"
  } | tee "$results"
}

main
