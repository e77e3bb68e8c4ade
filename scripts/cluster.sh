#!/usr/bin/env bash
# A real Spark cluster on this machine, for `sicoop etl --spark`: a standalone master, two workers
# and a Spark Connect server attached to the master, each a separate JVM from the pinned pyspark
# runtime, all on free ports of 127.0.0.1. Executors run in JVMs the workers start, not in the driver,
# so this exercises what a remote cluster does (JDBC drivers shipped to executors, shared output).
# Usage: cluster.sh up|down|status [STATE_DIR]
#   up      starts what is not running and prints the endpoint sc://127.0.0.1:PORT as its last line
#   down    stops everything recorded in STATE_DIR
#   status  prints what runs
# STATE_DIR (default CACHE/cluster, CACHE as scripts/cache-dir.sh says) holds pids, ports, logs, work dirs.
# Needs only what scripts/setup.sh installs (the Spark runtime, the JDBC drivers, Java, python3).
set -euo pipefail
action="${1:-}"
here="$(cd "$(dirname "$0")" && pwd)"
cache="$(bash "$here/cache-dir.sh")"
state="$(realpath -m "${2:-$cache/cluster}")"
workers=2
log() { printf 'cluster: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

spark_home() {
  if [ -n "${SPARK_HOME:-}" ]; then echo "$SPARK_HOME"; return; fi
  [ -x "$cache/venv/bin/python" ] || die "no Spark runtime in $cache/venv; run scripts/setup.sh first"
  "$cache/venv/bin/python" -c 'import pyspark,os;print(os.path.dirname(pyspark.__file__))'
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Every process of this cluster, executors included, carries SICOOP_CLUSTER_STATE=STATE_DIR in its
# environment: `down` finds and stops them all by it, and a recycled pid in a stale pid file is
# never mistaken for one of them.
ours() { grep -qzxF "SICOOP_CLUSTER_STATE=$state" "/proc/$1/environ" 2>/dev/null; }

members() {  # the pids of every live process of this cluster
  local dir
  for dir in /proc/[0-9]*; do ours "${dir#/proc/}" && echo "${dir#/proc/}"; done
  return 0
}

alive() { [ -f "$state/$1.pid" ] && ours "$(cat "$state/$1.pid")"; }

components() { echo master; seq -f 'worker%g' "$workers"; echo connect; }

alive_workers() {  # how many workers the master counts as ALIVE (its web UI's JSON)
  python3 - "$MASTER_WEBUI_PORT" <<'PY' 2>/dev/null || echo 0
import json, sys, urllib.request
url = "http://127.0.0.1:%s/json/" % sys.argv[1]
print(json.load(urllib.request.urlopen(url, timeout=5)).get("aliveworkers", 0))
PY
}

wait_until() {  # bounded wait: wait_until SECONDS DESCRIPTION LOG COMMAND...; fails early if a JVM exits
  local seconds="$1" what="$2" logfile="$3" name; shift 3
  local deadline=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$deadline" ]; do
    "$@" && return 0
    for name in $(components); do
      [ ! -f "$state/$name.pid" ] || alive "$name" || die "$name exited while starting; see $state/logs/$name.log"
    done
    sleep 0.5
  done
  die "$what not ready within ${seconds}s; see $logfile"
}

launch() {  # launch NAME COMMAND...: runs in its own session (a closed terminal does not stop it)
  local name="$1"; shift
  SICOOP_CLUSTER_STATE="$state" setsid "$@" >"$state/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$state/$name.pid"
}

up() {
  if alive connect && [ -f "$state/endpoint" ] && port_answers "${CONNECT_PORT:-0}"; then
    cat "$state/endpoint"; return
  fi
  # Something half up (a crash, a killed machine): start clean rather than patch it.
  [ -d "$state" ] && down
  local home jars
  home="$(spark_home)"
  # The jars of the local server: JDBC drivers, the Iceberg runtime, Spark's S3A connector.
  jars="$(ls "$cache"/jars/*.jar 2>/dev/null | paste -sd, -)"
  ls "$cache"/jars/postgresql-*.jar >/dev/null 2>&1 || die "no JDBC drivers in $cache/jars; run scripts/setup.sh first"
  mkdir -p "$state/logs" "$state/tmp"
  # A failed start stops what it started; the logs stay for the error message to point at.
  trap '[ -f "$state/endpoint" ] || down' EXIT
  trap 'log "interrupted: stopping what was started"; exit 1' INT TERM HUP
  {
    echo "MASTER_PORT=$(free_port)"
    echo "MASTER_WEBUI_PORT=$(free_port)"
    echo "CONNECT_PORT=$(free_port)"
  } > "$state/ports.env"
  source "$state/ports.env"
  local started=$SECONDS
  # SPARK_LOCAL_IP keeps every listener (RPC, block manager, web UIs) on 127.0.0.1;
  # SPARK_LOCAL_DIRS keeps shuffle and spill files in STATE_DIR.
  # SPARK_DAEMON_MEMORY bounds the master's and the workers' own heaps (the executors' is below).
  export SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$state/tmp" SPARK_DAEMON_MEMORY=512m
  launch master "$home/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_WEBUI_PORT"
  wait_until 60 "master" "$state/logs/master.log" port_answers "$MASTER_WEBUI_PORT"
  local i
  for i in $(seq "$workers"); do
    mkdir -p "$state/worker$i"
    launch "worker$i" "$home/bin/spark-class" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores 1 --memory 2g --webui-port "$(free_port)" \
      --work-dir "$state/worker$i" "spark://127.0.0.1:$MASTER_PORT"
  done
  # The Connect server starts alongside the workers: its application gets its executors as they
  # register with the master.
  # --jars ships them to every executor; --driver-class-path puts them on the driver's system
  # classpath too, where java.sql.DriverManager finds the JDBC drivers for clients that name none.
  # Workers and executors inherit this environment, AWS credentials included, as S3A looks for them.
  launch connect "$home/bin/spark-submit" \
    --class org.apache.spark.sql.connect.service.SparkConnectServer \
    --name sicoop-connect --master "spark://127.0.0.1:$MASTER_PORT" \
    --jars "$jars" --driver-class-path "${jars//,/:}" \
    --conf spark.connect.grpc.binding.address=127.0.0.1 \
    --conf spark.connect.grpc.binding.port="$CONNECT_PORT" \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.executor.memory=1g --conf spark.executor.cores=1 \
    --conf spark.local.dir="$state/tmp"
  wait_until 120 "$workers workers registered with the master" "$state/logs/worker*.log" \
    eval '[ "$(alive_workers)" -ge "$workers" ]'
  wait_until 180 "Spark Connect server" "$state/logs/connect.log" \
    eval 'alive connect && port_answers "$CONNECT_PORT"'
  echo "sc://127.0.0.1:$CONNECT_PORT" > "$state/endpoint"
  log "up in $((SECONDS - started))s: master web UI http://127.0.0.1:$MASTER_WEBUI_PORT, logs in $state/logs"
  cat "$state/endpoint"
}

down() {
  local name pid pids=()
  # The Connect server first (it holds executors), the master last.
  for name in $(components | tac); do
    alive "$name" && { pid="$(cat "$state/$name.pid")"; kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); }
  done
  local deadline=$((SECONDS + 30))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  done
  # Whatever is left (a daemon that ignored TERM, an executor whose worker was killed) is killed.
  for pid in $(members); do
    log "pid $pid still running; killing it"; kill -KILL "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + 10))
  while [ -n "$(members)" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  [ -z "$(members)" ] || die "processes of $state survive SIGKILL: $(members | paste -sd' ' -)"
  rm -f "$state"/*.pid "$state/endpoint" "$state/ports.env"
}

status() {
  local name running=0
  for name in $(components); do
    if alive "$name"; then
      echo "$name: running (pid $(cat "$state/$name.pid"))"; running=$((running + 1))
    else
      echo "$name: stopped"
    fi
  done
  [ "$running" -gt 0 ] && echo "master web UI: http://127.0.0.1:$MASTER_WEBUI_PORT (alive workers: $(alive_workers))"
  if alive connect && [ -f "$state/endpoint" ]; then echo "endpoint: $(cat "$state/endpoint")"; fi
  echo "state: $state"
}

[ -f "$state/ports.env" ] && source "$state/ports.env"
case "$action" in
  up) up ;;
  down) down; log "stopped" ;;
  status) status ;;
  *) echo "usage: cluster.sh up|down|status [STATE_DIR]" >&2; exit 2 ;;
esac
