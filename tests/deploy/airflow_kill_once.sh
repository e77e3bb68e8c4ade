#!/usr/bin/env bash
# Stands in for the sicoop binary in the DAG's test: the first `lake ingest` it sees is SIGKILLed once
# it has started writing the lake, as when the worker running it dies; every other call, and that
# ingest's retry, is the real sicoop. The killed run works on a private Spark server (SICOOP_SPARK_URL
# unset), which dies with it: a shared server would go on with the operation the killed run had sent.
# Environment: REAL_SICOOP (the binary), KILL_MARKER (created by the first ingest: later ones run
# whole), KILL_STATE_DIR (the private server's folder), SICOOP_LAKE (the local lake the DAG gives).
set -uo pipefail
if [ "${1:-} ${2:-}" != "lake ingest" ] || [ -e "$KILL_MARKER" ]; then exec "$REAL_SICOOP" "$@"; fi
: > "$KILL_MARKER"
env -u SICOOP_SPARK_URL SICOOP_STATE_DIR="$KILL_STATE_DIR" SICOOP_SPARK_MEMORY=1g "$REAL_SICOOP" "$@" &
run=$!
# Writing has started once raw.associado has its first metadata file; at most 4 minutes.
for _ in $(seq 4800); do
  compgen -G "$SICOOP_LAKE/raw/associado/metadata/v*.metadata.json" > /dev/null && break
  kill -0 "$run" 2> /dev/null || break
  sleep 0.05
done
kill -KILL "$run"
wait "$run"
status=$?
# The private server gets SIGTERM when sicoop dies; the retry starts only once it is gone (its
# working folder is KILL_STATE_DIR), at most 60 s.
for _ in $(seq 600); do
  busy=0
  for cwd in /proc/[0-9]*/cwd; do
    case "$(readlink "$cwd" 2> /dev/null)" in "$KILL_STATE_DIR"*) busy=1; break ;; esac
  done
  [ "$busy" = 0 ] && break
  sleep 0.1
done
echo "airflow_kill_once: sicoop lake ingest killed (exit status $status)" >&2
exit "$status"
