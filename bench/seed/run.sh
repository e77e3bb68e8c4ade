#!/usr/bin/env bash
# Seed benchmark: how fast `sicoop db seed` fills PostgreSQL and MariaDB, against
#   (b) the physical reference: the same rows loaded from text files already on disk by psql \copy
#       and by LOAD DATA LOCAL INFILE, with the same keys-aside recipe as sicoop, and
#   (c) a typical row-by-row generator: Python + Faker + executemany (100k movimentos, extrapolated).
# Rates count the rows of all four tables. Starts its own throwaway servers (tests/harness/servers.sh).
# The measurements and the table also go to bench/seed/results-<date>.txt.
# usage: bench/seed/run.sh [MOVIMENTOS...]        default: 1000000 10000000
#        BUILD=build-dir (default build); SICOOP_CACHE as for scripts/setup.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${BUILD:-$root/build}" && pwd)"
counts=("${@:-1000000}")
[ $# -eq 0 ] && counts=(1000000 10000000)
cache="$(bash "$root/scripts/cache-dir.sh")"
venv="$cache/bench-venv"

sicoop_db=("$build/sicoop" db)
work="$(mktemp -d "${TMPDIR:-/tmp}/sicoop-seed-bench.XXXXXX")"
chmod 755 "$work"  # the PostgreSQL server runs as its own user and must reach its folder
servers="$work/servers"
cleanup() { "$root/tests/harness/servers.sh" stop "$servers" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
results_file="$here/results-$(date +%F).txt"
measured=()  # the lines of each timed run, for the results file
log() { printf 'bench: %s\n' "$*" >&2; }
measure() { measured+=("$*"); log "$*"; }

if [ ! -x "$venv/bin/python" ]; then
  log "creating the benchmark's Python environment in $venv (pinned Faker, psycopg, PyMySQL)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "Faker==30.8.2" "psycopg[binary]==3.2.3" "PyMySQL==1.1.1"
fi

log "starting throwaway PostgreSQL and MariaDB servers"
"$root/tests/harness/servers.sh" start "$servers" db
# shellcheck disable=SC1091
source "$servers/servers.env"
pg_url="$SICOOP_TEST_PG_URL"
my_url="$SICOOP_TEST_MYSQL_URL"
port_of() { sed -E 's#.*@[^:]+:([0-9]+)/.*#\1#' <<<"$1"; }
pg_port="$(port_of "$pg_url")"
my_port="$(port_of "$my_url")"
password="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1].split("//")[1].split("@")[0].split(":", 1)[1]))' "$pg_url")"
export PGPASSWORD="$password" BENCH_DB_PASSWORD="$password"
pg() { psql -X -q -h 127.0.0.1 -p "$pg_port" -U sicoop -v ON_ERROR_STOP=1 "$@"; }
my() { MYSQL_PWD="$password" mariadb --no-defaults -h 127.0.0.1 -P "$my_port" -u sicoop --local-infile=1 "$@"; }
url_for() { sed -E 's#/[^/]*$#/'"$2"'#' <<<"$1"; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; print(round(float(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2]))))" "$@"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$@"; }

fresh_db() {  # fresh_db pg|my NAME: an empty database with the sicoop schema
  if [ "$1" = pg ]; then
    pg -d postgres -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2"
    "${sicoop_db[@]}" init --db "$(url_for "$pg_url" "$2")" >/dev/null
  else
    my -e "DROP DATABASE IF EXISTS $2; CREATE DATABASE $2"
    "${sicoop_db[@]}" init --db "$(url_for "$my_url" "$2")" >/dev/null
  fi
}
drop_db() {
  if [ "$1" = pg ]; then pg -d postgres -c "DROP DATABASE IF EXISTS $2"; else my -e "DROP DATABASE IF EXISTS $2"; fi
}
seeded_rows() { sed -E 's/seeded ([0-9]+) associados, ([0-9]+) contas, ([0-9]+) cartoes, ([0-9]+) movimentos.*/\1 \2 \3 \4/' <<<"$1" | awk '{print $1+$2+$3+$4}'; }

tables=(associado conta cartao movimento)
results=()

log "(c) Python + Faker, row by row with executemany: 100000 movimentos"
declare -A faker_rate
for d in pg my; do
  fresh_db "$d" faker
  if [ "$d" = pg ]; then dialect=postgres; port="$pg_port"; else dialect=mysql; port="$my_port"; fi
  read -r rows seconds < <("$venv/bin/python" "$here/faker_seed.py" "$dialect" 127.0.0.1 "$port" sicoop faker 100000)
  faker_rate[$d]="$(python3 -c "print(round($rows / $seconds))")"
  measure "(c) $d: $rows rows in $seconds s"
  drop_db "$d" faker
done

for n in "${counts[@]}"; do
  log "N = $n movimentos"
  # (a) sicoop db seed into each server.
  declare -A seed_rate ref_rate
  for d in pg my; do
    fresh_db "$d" seeded
    if [ "$d" = pg ]; then url="$(url_for "$pg_url" seeded)"; else url="$(url_for "$my_url" seeded)"; fi
    t0="$(now)"; summary="$("${sicoop_db[@]}" seed --db "$url" --movimentos "$n")"; t1="$(now)"
    rows="$(seeded_rows "$summary")"
    seed_rate[$d]="$(rate "$rows" "$t0" "$t1")"
    measure "(a) $d: $summary"
  done
  # The same rows as files on disk, in the text format both \copy and LOAD DATA read.
  for t in "${tables[@]}"; do pg -d seeded -c "\\copy $t TO '$work/$t.tsv'"; done
  drop_db pg seeded
  drop_db my seeded

  # (b) the physical reference: each server's own bulk loader reading those files, in one
  # transaction, with the same recipe as sicoop db seed into empty tables (src/db/empty_tables_load.h).
  fresh_db pg reference
  fks=("conta id_associado associado" "cartao id_conta conta" "cartao id_associado associado" "movimento id_cartao cartao")
  indexes=("conta id_associado" "cartao id_conta" "cartao id_associado" "movimento id_cartao" "movimento data_movimento")
  copy_args=()
  for fk in "${fks[@]}"; do read -r t c p <<<"$fk"; copy_args+=(-c "ALTER TABLE $t DROP CONSTRAINT ${t}_${c}_fk"); done
  for ix in "${indexes[@]}"; do read -r t c <<<"$ix"; copy_args+=(-c "DROP INDEX ${t}_${c}_idx"); done
  copy_args+=(-c "ALTER TABLE movimento DROP CONSTRAINT movimento_pkey")
  for t in "${tables[@]}"; do copy_args+=(-c "\\copy $t FROM '$work/$t.tsv'"); done
  copy_args+=(-c "ALTER TABLE movimento ADD CONSTRAINT movimento_pkey PRIMARY KEY (id)")
  for ix in "${indexes[@]}"; do read -r t c <<<"$ix"; copy_args+=(-c "CREATE INDEX ${t}_${c}_idx ON $t ($c)"); done
  for fk in "${fks[@]}"; do
    read -r t c p <<<"$fk"
    copy_args+=(-c "ALTER TABLE $t ADD CONSTRAINT ${t}_${c}_fk FOREIGN KEY ($c) REFERENCES $p (id)")
  done
  t0="$(now)"; pg -d reference -1 "${copy_args[@]}"; t1="$(now)"
  ref_rate[pg]="$(rate "$rows" "$t0" "$t1")"
  drop_db pg reference
  fresh_db my reference
  load="START TRANSACTION; SET unique_checks = 0, foreign_key_checks = 0;"
  for t in "${tables[@]}"; do load+=" LOAD DATA LOCAL INFILE '$work/$t.tsv' INTO TABLE $t CHARACTER SET utf8mb4;"; done
  load+=" SET unique_checks = 1, foreign_key_checks = 1;"
  for fk in "${fks[@]}"; do
    read -r t c p <<<"$fk"
    load+=" SELECT COUNT(*) FROM (SELECT DISTINCT $c FROM $t) d LEFT JOIN $p ON $p.id = d.$c WHERE $p.id IS NULL;"
  done
  t0="$(now)"; my reference -N -e "$load COMMIT;" >/dev/null; t1="$(now)"
  ref_rate[my]="$(rate "$rows" "$t0" "$t1")"
  drop_db my reference
  rm -f "$work"/*.tsv
  for d in pg my; do
    results+=("$n $d ${seed_rate[$d]} ${ref_rate[$d]} $(ratio "${seed_rate[$d]}" "${ref_rate[$d]}") ${faker_rate[$d]} $(ratio "${seed_rate[$d]}" "${faker_rate[$d]}")")
  done
done

{
  echo "sicoop seed benchmark, $(date +%F), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, bench/seed/run.sh ${counts[*]}"
  printf '%s\n' "${measured[@]}"
  echo
  printf '%-11s %-9s %14s %16s %8s %15s %10s %10s\n' movimentos database "(a) sicoop" "(b) reference" "(a)/(b)" "(c) faker" "speedup" "ceiling"
  printf '%-11s %-9s %14s %16s %8s %15s %10s %10s\n' "" "" "rows/s" "rows/s" "" "rows/s" "(c)/(a) t" "(c)/(b) t"
  for line in "${results[@]}"; do
    read -r n d a b ab c ac <<<"$line"
    [ "$d" = pg ] && name=postgres || name=mariadb
    printf '%-11s %-9s %14s %16s %8s %15s %10s %10s\n' "$n" "$name" "$a" "$b" "$ab" "$c" "${ac}x" "$(ratio "$b" "$c")x"
  done
  echo "(b) is psql \\copy for postgres and LOAD DATA LOCAL INFILE for mariadb, of the same rows from files;"
  echo "speedup = time of (c) extrapolated to the same rows / time of (a) = (a) rows/s / (c) rows/s;"
  echo "ceiling = the same for (b): the speedup of a client that costs nothing, bounded by the server's bulk path."
} | tee "$results_file"
