#!/usr/bin/env bash
# Starts (or stops) the real servers the integration tests talk to: a PostgreSQL and a MariaDB in
# throwaway data directories, an S3-compatible server (s3proxy on a folder) and a local Spark Connect
# server in America/Sao_Paulo that reaches it, all on 127.0.0.1. Writes DIR/servers.env with their
# URLs. Usage: servers.sh start|stop DIR [db|s3|spark|all]; spark starts the S3 server too, since
# every test of Spark on object storage needs both. A failed step is named on stderr, and whatever
# this run started is stopped again.
set -Eeuo pipefail
usage() { echo "usage: servers.sh start|stop DIR [db|s3|spark|all]" >&2; exit 2; }
[ $# -ge 2 ] || usage
action="$1"; dir="$2"; which="${3:-all}"
here="$(cd "$(dirname "$0")" && pwd)"
sicoop="${SICOOP_BIN:-$here/../../build/sicoop}"
# A password that needs percent-encoding in URLs, so every test exercises that path.
password='p@ss:w0rd/%'
password_encoded='p%40ss%3Aw0rd%2F%25'
# A daylight-saving zone for the Spark JVM and sessions: the wall-clock timestamps of the edge cases
# must come out unchanged all the same.
spark_time_zone='America/Sao_Paulo'
# Throwaway credentials of the test S3 server (it accepts AWS signatures v2 and v4 made with them).
s3_access_key='sicoop-test-access'
s3_secret_key='sicoop-test-secret-0123456789'
s3_region='us-east-1'
port_tries=5
step='reading the arguments'
log() { printf 'servers: %s\n' "$*" >&2; }

on_error() {
  local status=$? line=$1
  trap - ERR
  log "failed while $step (line $line, exit status $status); see the logs in $dir"
  if [ "$action" = start ]; then stop_all; fi
  exit "$status"
}
trap 'on_error $LINENO' ERR

as_owner() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The newest installed PostgreSQL's bin folder, or a made-up path when there is none: looked up only
# when a PostgreSQL is started or stopped.
pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A free port can be taken by someone else between free_port and the server's bind: a start that
# fails for that reason (its log says so) is retried on another port.
# start_on_free_port NAME LOG START_FUNCTION: calls START_FUNCTION PORT, up to $port_tries times.
start_on_free_port() {
  local name="$1" log_file="$2" start="$3" port
  for _ in $(seq "$port_tries"); do
    port="$(free_port)"
    if "$start" "$port"; then return 0; fi
    # s3proxy (Jetty) says "Failed to bind to /127.0.0.1:PORT"; the others "already in use".
    grep -qiE 'already in use|failed to bind' "$log_file" 2>/dev/null || return 1
    log "$name: port $port was taken meanwhile, trying another"
  done
  log "$name: no free port after $port_tries tries"; return 1
}

# Unix sockets live in a short folder of their own: the data directories sit under the build
# directory, whose path can exceed the 107 bytes a socket path may have.
socket_dir() {
  if ! grep -q '^SICOOP_TEST_SOCKET_DIR=' "$dir/servers.env"; then
    echo "SICOOP_TEST_SOCKET_DIR=$(mktemp -d /tmp/sicoop-sock.XXXXXX)" >> "$dir/servers.env"
  fi
  sed -n 's/^SICOOP_TEST_SOCKET_DIR=//p' "$dir/servers.env"
}

try_postgres() {  # try_postgres PORT
  rm -f "$dir/pg.log"  # so that only this try's failure is read
  as_owner "$pg_bin_dir/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $1 -k $(socket_dir) -c fsync=off -c max_connections=200 -c shared_buffers=512MB -c max_wal_size=4GB" \
    start >/dev/null || return 1
  echo "SICOOP_TEST_PG_URL=postgresql://sicoop:$password_encoded@127.0.0.1:$1/postgres" >> "$dir/servers.env"
}

start_postgres() {
  local data="$dir/pg" sockets; sockets="$(socket_dir)"
  pg_bin_dir="$(pg_bin)"
  [ -x "$pg_bin_dir/initdb" ] || { log "no PostgreSQL under /usr/lib/postgresql: run 'make setup'"; return 1; }
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir" "$data" "$sockets"; fi
  printf '%s\n' "$password" > "$dir/pgpass.tmp"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/pgpass.tmp"; fi
  as_owner "$pg_bin_dir/initdb" -D "$data" -U sicoop --pwfile="$dir/pgpass.tmp" -A scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/pg-initdb.log" 2>&1
  rm -f "$dir/pgpass.tmp"
  start_on_free_port PostgreSQL "$dir/pg.log" try_postgres
}

try_mariadb() {  # try_mariadb PORT: starts mariadbd and waits (bounded) until it answers or exits
  local socket; socket="$(socket_dir)/mysqld.sock"
  mariadbd --no-defaults --datadir="$dir/mariadb" --socket="$socket" --port="$1" \
    --bind-address=127.0.0.1 --pid-file="$dir/mariadb/mysqld.pid" --local-infile=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=1G --innodb-log-file-size=1G --skip-log-bin \
    "${mariadb_user[@]}" >"$dir/mariadb.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do  # 60 s
    if mariadb --no-defaults --socket="$socket" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
      echo "SICOOP_TEST_MYSQL_URL=mysql://sicoop:$password_encoded@127.0.0.1:$1/mysql" >> "$dir/servers.env"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  log "MariaDB did not answer within 60 s"; kill "$pid" 2>/dev/null; return 1
}

start_mariadb() {
  local socket; socket="$(socket_dir)/mysqld.sock"
  mariadb_user=(); if [ "$(id -u)" -eq 0 ]; then mariadb_user=(--user=root); fi
  mkdir -p "$dir/mariadb"
  mariadb-install-db --no-defaults --datadir="$dir/mariadb" "${mariadb_user[@]}" \
    --auth-root-authentication-method=socket >"$dir/mariadb-install.log" 2>&1
  start_on_free_port MariaDB "$dir/mariadb.log" try_mariadb
  step='creating the MariaDB user sicoop (through the root socket)'
  mariadb --no-defaults --socket="$socket" -uroot <<SQL
CREATE USER 'sicoop'@'127.0.0.1' IDENTIFIED BY '$password';
CREATE USER 'sicoop'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'sicoop'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'sicoop'@'localhost' WITH GRANT OPTION;
SQL
}

try_s3() {  # try_s3 PORT: starts s3proxy and waits (bounded) until it answers HTTP or exits
  rm -f "$dir/s3proxy.log"
  cat > "$dir/s3proxy.properties" <<PROPERTIES
s3proxy.endpoint=http://127.0.0.1:$1
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$s3_access_key
s3proxy.credential=$s3_secret_key
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/s3
PROPERTIES
  java -jar "$s3proxy_jar" --properties "$dir/s3proxy.properties" >"$dir/s3proxy.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$dir/s3proxy.pid"
  for _ in $(seq 150); do  # 30 s
    # Any HTTP status (403 for the anonymous request) means it serves.
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null)" != 000 ]; then
      { echo "SICOOP_TEST_S3_ENDPOINT=http://127.0.0.1:$1"
        echo "SICOOP_TEST_S3_ACCESS_KEY=$s3_access_key"
        echo "SICOOP_TEST_S3_SECRET_KEY=$s3_secret_key"
        echo "SICOOP_TEST_S3_REGION=$s3_region"
        echo "SICOOP_TEST_S3_ROOT=$dir/s3"; } >> "$dir/servers.env"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/s3proxy.pid"; return 1; }
    sleep 0.2
  done
  log "s3proxy did not answer within 30 s"; kill "$pid" 2>/dev/null; rm -f "$dir/s3proxy.pid"; return 1
}

# With the filesystem back end a bucket is a folder under DIR/s3: a test makes its own with mkdir.
start_s3() {
  local cache; cache="$(bash "$here/../../scripts/cache-dir.sh")"
  s3proxy_jar="$(ls "$cache"/tools/s3proxy-*-jar-with-dependencies.jar 2>/dev/null | sort -V | tail -1)"
  [ -n "$s3proxy_jar" ] || { log "no s3proxy jar in $cache/tools: run scripts/setup.sh"; return 1; }
  mkdir -p "$dir/s3"
  start_on_free_port s3proxy "$dir/s3proxy.log" try_s3
  # The Spark server takes its S3 credentials the AWS way; sicoop passes no secret variable on to
  # the processes it starts, so they reach the server in an AWS config file (no secret in its name).
  mkdir -p "$dir/aws"
  printf '[default]\nregion = %s\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$s3_region" "$s3_access_key" "$s3_secret_key" > "$dir/aws/config"
}

# Spark Connect binds a port of the system's choosing and `sicoop spark start` prints it.
start_spark() {
  local aws=()
  if [ -f "$dir/aws/config" ]; then
    aws=(AWS_CONFIG_FILE="$dir/aws/config" AWS_REGION="$s3_region" AWS_ACCESS_KEY_ID="$s3_access_key"
         AWS_SECRET_ACCESS_KEY="$s3_secret_key")
  fi
  env "${aws[@]}" SICOOP_STATE_DIR="$dir/spark" "$sicoop" spark start --time-zone "$spark_time_zone" \
    >"$dir/spark-start.log" 2>&1 || { cat "$dir/spark-start.log" >&2; return 1; }
  local endpoint; endpoint="$(sed -n 's/^endpoint  *//p' "$dir/spark-start.log")"
  [ -n "$endpoint" ] || { log "no endpoint in: $(cat "$dir/spark-start.log")"; return 1; }
  echo "SICOOP_TEST_SPARK=$endpoint" >> "$dir/servers.env"
}

# Stops whatever DIR's state shows running; never fails, so that it can clean up after any failure.
stop_all() {
  if [ -d "$dir/spark" ]; then SICOOP_STATE_DIR="$dir/spark" "$sicoop" spark stop >/dev/null 2>&1 || true; fi
  if [ -f "$dir/pg/postmaster.pid" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/pg" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/mariadb/mysqld.pid" ]; then
    local pid; pid="$(cat "$dir/mariadb/mysqld.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [ -f "$dir/s3proxy.pid" ]; then
    local s3_pid; s3_pid="$(cat "$dir/s3proxy.pid")"
    kill "$s3_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$s3_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$s3_pid" 2>/dev/null || true
    rm -f "$dir/s3proxy.pid"
  fi
  local sockets; sockets="$(sed -n 's/^SICOOP_TEST_SOCKET_DIR=//p' "$dir/servers.env" 2>/dev/null || true)"
  case "$sockets" in /tmp/sicoop-sock.*) rm -rf "$sockets" ;; esac
}

case "$action:$which" in
  start:db|start:s3|start:spark|start:all)
    step='stopping what a previous run left'; stop_all
    rm -rf "$dir"; mkdir -p "$dir"; : > "$dir/servers.env"
    if [ "$which" = db ] || [ "$which" = all ]; then
      step='starting PostgreSQL'; start_postgres
      step='starting MariaDB'; start_mariadb
    fi
    if [ "$which" != db ]; then step='starting the S3 server (s3proxy)'; start_s3; fi
    if [ "$which" = spark ] || [ "$which" = all ]; then step='starting Spark Connect'; start_spark; fi
    log "ready: $(tr '\n' ' ' < "$dir/servers.env" | sed -E -e 's#://([^:]*):[^@]*@#://\1:***@#g' -e 's#(SECRET_KEY=)[^ ]*#\1***#g')" ;;
  stop:*) step='stopping'; stop_all ;;
  *) usage ;;
esac
