#!/usr/bin/env bash
# The ETL benchmark of issue #4: one script, one run, same machine, same data (`sicoop db seed`).
# For each database and size it times four ways of writing the same flat CSV:
#   (a) sicoop etl on a warm local Spark Connect server (`sicoop spark start`)
#   (b) the physical reference: the database itself writing the join, formatted and ordered
#       (PostgreSQL: psql \copy ... CSV HEADER; MariaDB: SELECT ... INTO OUTFILE, no header)
#   (c) the naive Spark job: one unpartitioned JDBC read, coalesce(1), CSV (naive_spark.py)
#   (d) sicoop etl on the local standalone cluster (scripts/cluster.sh)
#   (e) sicoop's partitioned plan with the join pushed down to the database (pushdown_spark.py)
# and prints seconds, rows/s and the peak RSS of the measured process (sicoop itself for a and d),
# the ratios (a)/(b), (c)/(a), (d)/(a), and whether (a) and (d) wrote byte-identical files.
# Usage: bench/etl/run.sh [--sizes 1000000,10000000] [--mysql-sizes 100000,1000000] [--cases a,b,c,d,e]
# Work files and per-case logs go to BENCH_DIR (default /tmp/sicoop-bench); the table also goes to
# bench/etl/results-<date>.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sizes=1000000,10000000; mysql_sizes=1000000,10000000; cases=a,b,c,d,e,f,g,h
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --mysql-sizes) mysql_sizes="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    *) echo "usage: run.sh [--sizes N,...] [--mysql-sizes N,...] [--cases a,b,c,d,e,f,g,h]" >&2; exit 2 ;;
  esac
done
export SICOOP_BIN="${SICOOP_BIN:-$root/build/sicoop}"
sicoop="$SICOOP_BIN"
cache="$(bash "$root/scripts/cache-dir.sh")"
work="${BENCH_DIR:-/tmp/sicoop-bench}"
results="$here/results-$(date +%F).txt"
local_spark="" cluster_spark=""  # the endpoints of cases (a) and (d), set in main
log() { printf 'bench: %s\n' "$*" >&2; }
wants() { [[ ",$cases," == *",$1,"* ]]; }

cleanup() {
  bash "$root/tests/harness/servers.sh" stop "$work/db" 2>/dev/null || true
  bash "$root/tests/harness/servers.sh" stop "$work/spark" 2>/dev/null || true
  [ -d "$work/cluster" ] && bash "$root/scripts/cluster.sh" down "$work/cluster" 2>/dev/null || true
  rm -rf "$work/out"
}

ensure_gnu_time() {  # /usr/bin/time -v gives wall time and peak RSS; the shell keyword does not
  [ -x /usr/bin/time ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing the Debian package 'time'"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends time >/dev/null
}

url_part() {  # url_part URL user|password|host|port|db, percent-decoded
  python3 -c 'import sys; from urllib.parse import urlsplit, unquote
u = urlsplit(sys.argv[1])
print(unquote({"user": u.username, "password": u.password, "host": u.hostname,
               "port": str(u.port), "db": u.path[1:]}[sys.argv[2]]))' "$1" "$2"
}

mariadb_client() {  # mariadb_client URL ARGS...: the password goes in the environment, not argv
  MYSQL_PWD="$(url_part "$1" password)" mariadb --no-defaults -h "$(url_part "$1" host)" \
    -P "$(url_part "$1" port)" -u "$(url_part "$1" user)" "${@:2}"
}

analyze() {  # fresh statistics and hint bits before anything is timed, so no case pays for them
  case "$1" in
    postgresql://*) psql -q "$1" -c "VACUUM ANALYZE" ;;
    *) mariadb_client "$1" "$(url_part "$1" db)" -e "ANALYZE TABLE associado, conta, cartao, movimento" >/dev/null ;;
  esac
}

fresh_database() {  # fresh_database URL NAME: creates database NAME, prints the URL pointing at it
  case "$1" in
    postgresql://*) PGOPTIONS=--client-min-messages=warning psql -q "$1" -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2" ;;
    *) mariadb_client "$1" -e "DROP DATABASE IF EXISTS $2; CREATE DATABASE $2 CHARACTER SET utf8mb4" ;;
  esac
  echo "${1%/*}/$2"
}

measure() {  # measure CASE DB N OUTDIR COMMAND...: times COMMAND if CASE is wanted, adds a row to rows.tsv
  local label="$1-$2-$3" case_="$1" db="$2" n="$3" out="$4"; shift 4
  wants "$case_" || return 0
  mkdir -p "$out"
  log "($case_) $db N=$n"
  # bash -c runs programs and the exported functions alike; time -v reports the peak RSS of the
  # biggest process in the tree it waits for.
  if /usr/bin/time -v -o "$work/logs/$label.time" bash -c '"$@"' _ "$@" >"$work/logs/$label.log" 2>&1; then
    # Elapsed is h:mm:ss or m:ss.ss; peak RSS is in KiB.
    local seconds rss
    seconds="$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/logs/$label.time")"
    rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/logs/$label.time")"
    printf '%s\t%s\t%s\t%s\t%s\n' "$case_" "$db" "$n" "$seconds" "$rss" >> "$work/rows.tsv"
  else
    log "($case_) $db N=$n failed; see $work/logs/$label.log"
    tail -5 "$work/logs/$label.log" >&2
    printf '%s\t%s\t%s\tfailed\t-\n' "$case_" "$db" "$n" >> "$work/rows.tsv"
  fi
}

reference_export() {  # case (b): the database writes the CSV itself
  local url="$1" out="$2"
  case "$url" in
    postgresql://*)  # \copy is one psql line: the query's newlines become spaces
      psql -q "$url" -c "\\copy ($(tr '\n' ' ' < "$here/flat_view.postgresql.sql")) TO '$out/movimento_flat.csv' CSV HEADER" ;;
    *)  # the server writes the file (same machine); it quotes every string field and has no header
      mariadb_client "$url" "$(url_part "$url" db)" -e "$(cat "$here/flat_view.mysql.sql")
        INTO OUTFILE '$out/movimento_flat.csv' FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"'
        ESCAPED BY '\"' LINES TERMINATED BY '\n'" ;;
  esac
}

slice_bounds() {  # slice_bounds FIRST LAST N: the N-1 instants that cut [FIRST, LAST] in N equal spans
  python3 -c 'import sys; from datetime import datetime as d
f, l, n = (d.fromisoformat(sys.argv[1]), d.fromisoformat(sys.argv[2]), int(sys.argv[3]))
for i in range(1, n): print((f + (l - f) * i / n).isoformat(" "))' "$1" "$2" "$3"
}

floor_export() {  # cases (f) and (h): one export per core at once, each of one time range of the join
  local url="$1" out="$2" n; n="$(nproc)"
  local query first last i cond pids=() bounds=()
  case "$url" in
    postgresql://*) query="$(tr '\n' ' ' < "$here/flat_view.postgresql.sql")"
      read -r first last < <(psql -qAt -F ' ' "$url" -c "SELECT to_char(min(data_movimento), 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), to_char(max(data_movimento), 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM movimento") ;;
    *) query="$(grep -v '^--' "$here/flat_view.mysql.sql")"
      read -r first last < <(mariadb_client "$url" "$(url_part "$url" db)" -N -e "SELECT DATE_FORMAT(min(data_movimento), '%Y-%m-%dT%H:%i:%s.%f'), DATE_FORMAT(max(data_movimento), '%Y-%m-%dT%H:%i:%s.%f') FROM movimento") ;;
  esac
  mapfile -t bounds < <(slice_bounds "$first" "$last" "$n")
  for ((i = 0; i < n; i++)); do
    cond="TRUE"
    [ "$i" -eq 0 ] || cond="$cond AND m.data_movimento >= '${bounds[i-1]}'"
    [ "$i" -eq $((n - 1)) ] || cond="$cond AND m.data_movimento < '${bounds[i]}'"
    local file; file="$out/slice-$(printf %03d "$i").csv"
    case "$url" in
      postgresql://*) psql -q "$url" -c "\\copy (${query%ORDER BY*} WHERE $cond ORDER BY ${query##*ORDER BY}) TO '$file' CSV$([ "$i" -eq 0 ] && echo ' HEADER')" & ;;
      *) mariadb_client "$url" "$(url_part "$url" db)" -e "${query%ORDER BY*} WHERE $cond ORDER BY ${query##*ORDER BY}
           INTO OUTFILE '$file' FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '\"' LINES TERMINATED BY '\n'" & ;;
    esac
    pids+=($!)
  done
  local failed=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

join_slices() {  # join_slices DIR: the floor's slices, in order, as DIR/movimento_flat.csv (not timed)
  [ -d "$1" ] && ls "$1"/slice-*.csv >/dev/null 2>&1 || return 0
  cat "$1"/slice-*.csv > "$1/movimento_flat.csv" && rm -f "$1"/slice-*.csv
}

spark_job() {  # spark_job SCRIPT URL OUT: cases (c) and (e), on the pinned Spark runtime in local[*] mode
  local script="$1" url="$2" out="$3" spark_home jars
  spark_home="$("$cache/venv/bin/python" -c 'import pyspark,os;print(os.path.dirname(pyspark.__file__))')"
  jars="$(ls "$cache"/jars/postgresql-*.jar "$cache"/jars/mysql-connector-j-*.jar | paste -sd, -)"
  SICOOP_BENCH_DB_URL="$url" PYSPARK_PYTHON="$cache/venv/bin/python" \
    "$spark_home/bin/spark-submit" --master 'local[*]' --driver-memory 4g --jars "$jars" \
    --conf spark.ui.enabled=false --py-files "$here/naive_spark.py" "$here/$script" "$out"
}

same_file() {  # same_file CASE1 CASE2: records whether both outputs are byte-identical
  local a="$work/out/$1/movimento_flat.csv" b="$work/out/$2/movimento_flat.csv"
  [ -f "$a" ] && [ -f "$b" ] || return 0
  if cmp -s "$a" "$b"; then echo "identical" ; else echo "DIFFERENT"; fi > "$work/logs/cmp-$1-$2"
}

bench_database() {  # bench_database DB BASE_URL SIZES
  local db="$1" base="$2" n url
  for n in ${3//,/ }; do
    url="$(fresh_database "$base" "bench_$n")"
    log "seeding $db with $n movimentos"
    "$sicoop" db init --db "$url" >/dev/null
    "$sicoop" db seed --db "$url" --movimentos "$n" --seed 1 >/dev/null
    analyze "$url"
    rm -rf "$work/out"
    measure a "$db" "$n" "$work/out/a-$db-$n" "$sicoop" etl --db "$url" --output "$work/out/a-$db-$n" --spark "$local_spark"
    measure b "$db" "$n" "$work/out/b-$db-$n" reference_export "$url" "$work/out/b-$db-$n"
    measure c "$db" "$n" "$work/out/c-$db-$n" spark_job naive_spark.py "$url" "$work/out/c-$db-$n"
    measure d "$db" "$n" "$work/out/d-$db-$n" "$sicoop" etl --db "$url" --output "$work/out/d-$db-$n" --spark "$cluster_spark"
    measure e "$db" "$n" "$work/out/e-$db-$n" spark_job pushdown_spark.py "$url" "$work/out/e-$db-$n"
    measure f "$db" "$n" "$work/out/f-$db-$n" floor_export "$url" "$work/out/f-$db-$n"
    join_slices "$work/out/f-$db-$n"
    if [ "$db" = postgresql ]; then
      PGOPTIONS="-c enable_nestloop=off" measure h "$db" "$n" "$work/out/h-$db-$n" floor_export "$url" "$work/out/h-$db-$n"
      join_slices "$work/out/h-$db-$n"
    fi
    if wants g; then
      log "building a lake of $db N=$n for (g) (not timed)"
      "$sicoop" etl --db "$url" --output "$work/out/lake-build" --lake "$work/lake-$db-$n" \
        --token-key-file "$work/token.key" --spark "$local_spark" --quiet >"$work/logs/lake-$db-$n.log" 2>&1
      rm -rf "$work/out/lake-build"
      measure g "$db" "$n" "$work/out/g-$db-$n" "$sicoop" lake export --lake "$work/lake-$db-$n" --output "$work/out/g-$db-$n" --spark "$local_spark"
      rm -rf "$work/lake-$db-$n"
    fi
    # MariaDB's (b) and floors have no header and quote every string, so only PostgreSQL's can match (a).
    for other in b c d e f g h; do
      [[ "$db" = mariadb && "$other" =~ ^[bfh]$ ]] || same_file "a-$db-$n" "$other-$db-$n"
    done
  done
}

warm_up() {  # one untimed direct run and one lake run on a small source: (a) and (g) meet a warm JVM
  local url; url="$(fresh_database "$1" bench_warm_up)"
  log "warming up the local Spark Connect server"
  "$sicoop" db init --db "$url" >/dev/null
  "$sicoop" db seed --db "$url" --movimentos 100000 --seed 2 >/dev/null
  "$sicoop" etl --db "$url" --output "$work/out/warm-up" --lake "$work/lake-warm-up" --token-key-file "$work/token.key" \
    --spark "$local_spark" --quiet >"$work/logs/warm-up.log" 2>&1
  "$sicoop" etl --db "$url" --output "$work/out/warm-up" --spark "$local_spark" --quiet >>"$work/logs/warm-up.log" 2>&1
  rm -rf "$work/out/warm-up" "$work/lake-warm-up"
}

report() {  # the table and the ratios, from rows.tsv and the cmp results
  {
    echo "sicoop ETL benchmark, $(date -u '+%F %H:%M UTC'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, commit $(git -C "$root" rev-parse --short HEAD)"
    echo "(a) sicoop etl, warm local Spark Connect   (b) the database writes the CSV"
    echo "(c) naive Spark: one JDBC read, coalesce(1) (d) sicoop etl, standalone cluster (2 workers x 1 core)"
    echo "(e) sicoop's plan, join pushed down to the database per partition"
    echo "(f) floor: $(nproc) exports of (b)'s query at once, one per time range; (h) the same with hash joins"
    echo "(g) sicoop lake export, from a lake built of the same source"
    echo "peak RSS: of sicoop for (a), (d), (g), of psql/mariadb for (b), of the local Spark JVM for (c)"
    echo
    printf '%-4s %-10s %10s %10s %10s %12s\n' case db N seconds rows/s "peak RSS MB"
    awk -F'\t' '
      function ratio(x, y, key) {
        return (secs[x, key] > 0 && secs[y, key] > 0) ? sprintf("%.2f", secs[x, key] / secs[y, key]) : "-"
      }
      { key = $2 " N=" $3; if (!(key in seen)) { seen[key] = 1; keys[++k] = key }
        ok = $4 != "failed"; secs[$1, key] = ok ? $4 + 0 : 0
        printf "%-4s %-10s %10s %10s %10s %12s\n", $1, $2, $3, $4,
          ok ? sprintf("%.0f", $3 / ($4 > 0 ? $4 : 0.01)) : "-", ok ? sprintf("%.0f", $5 / 1024) : "-" }
      END { printf "\nfloor = the faster of (f) and (h)\n"
            printf "%-24s %8s %8s %8s %8s %8s %8s %8s\n", "time ratios", "(a)/(b)", "(a)/flr", "(g)/(b)", "(g)/flr", "(c)/(a)", "(d)/(a)", "(e)/(a)"
            for (i = 1; i <= k; i++) {
              key = keys[i]; f = secs["f", key]; h = secs["h", key]
              secs["floor", key] = (f > 0 && (h <= 0 || f <= h)) ? f : h
              printf "%-24s %8s %8s %8s %8s %8s %8s %8s\n", key, ratio("a", "b", key), ratio("a", "floor", key),
                ratio("g", "b", key), ratio("g", "floor", key), ratio("c", "a", key), ratio("d", "a", key), ratio("e", "a", key) } }
    ' "$work/rows.tsv"
    echo
    for f in "$work"/logs/cmp-*; do
      if [ -f "$f" ]; then echo "output ${f##*/cmp-}: $(cat "$f")"; fi
    done
  } | tee "$results"
}

main() {
  ensure_gnu_time
  export here cache
  export -f url_part mariadb_client reference_export spark_job slice_bounds floor_export
  [ -x "$sicoop" ] || { log "no sicoop at $sicoop; build it first (make build)"; exit 1; }
  cleanup; rm -rf "$work"; mkdir -p "$work/logs"; : > "$work/rows.tsv"
  head -c 32 /dev/urandom > "$work/token.key" && chmod 600 "$work/token.key"
  trap cleanup EXIT
  bash "$root/tests/harness/servers.sh" start "$work/db" db
  local pg_url mysql_url
  pg_url="$(sed -n 's/^SICOOP_TEST_PG_URL=//p' "$work/db/servers.env")"
  mysql_url="$(sed -n 's/^SICOOP_TEST_MYSQL_URL=//p' "$work/db/servers.env")"
  if wants a || wants g; then
    bash "$root/tests/harness/servers.sh" start "$work/spark" spark
    local_spark="$(sed -n 's/^SICOOP_TEST_SPARK=//p' "$work/spark/servers.env")"
  fi
  if [ -n "$local_spark" ]; then warm_up "$pg_url"; fi
  if wants d; then cluster_spark="$(bash "$root/scripts/cluster.sh" up "$work/cluster" | tail -1)"; fi
  bench_database postgresql "$pg_url" "$sizes"
  [ -z "$mysql_sizes" ] || bench_database mariadb "$mysql_url" "$mysql_sizes"
  report
}

main
