#!/usr/bin/env bash
# Starts (or stops) the real servers the integration tests talk to: a PostgreSQL and a MariaDB in
# throwaway data directories, and a local Spark Connect server, all on free ports of 127.0.0.1.
# Writes DIR/servers.env with their URLs. Usage: servers.sh start|stop DIR [db|spark|all]
set -euo pipefail
action="$1"; dir="$2"; which="${3:-all}"
here="$(cd "$(dirname "$0")" && pwd)"
sicoop="${SICOOP_BIN:-$here/../../build/sicoop}"
# A password that needs percent-encoding in URLs, so every test exercises that path.
password='p@ss:w0rd/%'
password_encoded='p%40ss%3Aw0rd%2F%25'
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
log() { printf 'servers: %s\n' "$*" >&2; }

as_owner() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() {  # bounded wait: wait_for SECONDS DESCRIPTION COMMAND...
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "$what did not come up within ${seconds}s"; return 1
}

start_postgres() {
  local data="$dir/pg" port; port="$(free_port)"
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir" "$data"
  printf '%s\n' "$password" > "$dir/pgpass.tmp"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pgpass.tmp"
  as_owner "$pg_bin/initdb" -D "$data" -U sicoop --pwfile="$dir/pgpass.tmp" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/pg-initdb.log" 2>&1
  rm -f "$dir/pgpass.tmp"
  as_owner "$pg_bin/pg_ctl" -D "$data" -l "$dir/pg.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=200 -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
  echo "SICOOP_TEST_PG_URL=postgresql://sicoop:$password_encoded@127.0.0.1:$port/postgres" >> "$dir/servers.env"
}

start_mariadb() {
  local data="$dir/mariadb" port; port="$(free_port)"
  mkdir -p "$data"
  local user_flag=(); [ "$(id -u)" -eq 0 ] && user_flag=(--user=root)
  mariadb-install-db --no-defaults --datadir="$data" "${user_flag[@]}" \
    --auth-root-authentication-method=socket >"$dir/mariadb-install.log" 2>&1
  mariadbd --no-defaults --datadir="$data" --socket="$data/mysqld.sock" --port="$port" \
    --bind-address=127.0.0.1 --pid-file="$data/mysqld.pid" --local-infile=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=1G --innodb-log-file-size=1G --skip-log-bin "${user_flag[@]}" >"$dir/mariadb.log" 2>&1 &
  wait_for 60 "MariaDB" mariadb --no-defaults --socket="$data/mysqld.sock" -uroot -e 'SELECT 1'
  mariadb --no-defaults --socket="$data/mysqld.sock" -uroot <<SQL
CREATE USER 'sicoop'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'sicoop'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'sicoop'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'sicoop'@'localhost' WITH GRANT OPTION;
SQL
  echo "SICOOP_TEST_MYSQL_URL=mysql://sicoop:$password_encoded@127.0.0.1:$port/mysql" >> "$dir/servers.env"
}

start_spark() {
  local port; port="$(free_port)"
  SICOOP_STATE_DIR="$dir/spark" "$sicoop" spark start --port "$port" >"$dir/spark-start.log" 2>&1 || {
    log "spark start failed:"; cat "$dir/spark-start.log" >&2; return 1; }
  echo "SICOOP_TEST_SPARK=sc://127.0.0.1:$port" >> "$dir/servers.env"
}

stop_all() {
  if [ -d "$dir/spark" ]; then SICOOP_STATE_DIR="$dir/spark" "$sicoop" spark stop >/dev/null 2>&1 || true; fi
  if [ -f "$dir/pg/postmaster.pid" ]; then as_owner "$pg_bin/pg_ctl" -D "$dir/pg" -m immediate -w -t 30 stop >/dev/null 2>&1 || true; fi
  if [ -f "$dir/mariadb/mysqld.pid" ]; then
    local pid; pid="$(cat "$dir/mariadb/mysqld.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

case "$action" in
  start)
    stop_all; rm -rf "$dir"; mkdir -p "$dir"; : > "$dir/servers.env"
    trap 'stop_all' ERR
    case "$which" in
      db) start_postgres; start_mariadb ;;
      spark) start_spark ;;
      all) start_postgres; start_mariadb; start_spark ;;
    esac
    log "ready: $(tr '\n' ' ' < "$dir/servers.env" | sed -E 's#://([^:]*):[^@]*@#://\1:***@#g')" ;;
  stop) stop_all ;;
  *) echo "usage: servers.sh start|stop DIR [db|spark|all]" >&2; exit 2 ;;
esac
