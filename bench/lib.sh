# What the lake and object-storage benchmarks share. Source it with `root` (the repository) and
# `work` (the work folder) set; `size_from_args "$@"` sets `size` from --size N.
log() { printf 'bench: %s\n' "$*" >&2; }

size_from_args() {
  size=10000000
  while [ $# -gt 0 ]; do
    case "$1" in
      --size) size="$2"; shift 2 ;;
      *) echo "usage: run.sh [--size N]" >&2; exit 2 ;;
    esac
  done
}

stop_servers() {
  bash "$root/tests/harness/servers.sh" stop "$work/db" 2>/dev/null || true
  bash "$root/tests/harness/servers.sh" stop "$work/spark" 2>/dev/null || true
}

# start_seeded_servers SICOOP SIZE: the harness's PostgreSQL seeded with SIZE movimentos (seed 1)
# and its warm Spark Connect server (with the S3 server); sets `url` and `spark`.
start_seeded_servers() {
  bash "$root/tests/harness/servers.sh" start "$work/db" db
  bash "$root/tests/harness/servers.sh" start "$work/spark" spark
  url="$(sed -n 's/^SICOOP_TEST_PG_URL=//p' "$work/db/servers.env")"
  spark="$(sed -n 's/^SICOOP_TEST_SPARK=//p' "$work/spark/servers.env")"
  log "seeding PostgreSQL with $2 movimentos"
  "$1" db init --db "$url" >/dev/null
  "$1" db seed --db "$url" --movimentos "$2" --seed 1 >/dev/null
  psql -q "$url" -c "VACUUM ANALYZE" >/dev/null
}

seconds_of() {  # seconds_of LABEL COMMAND...: runs COMMAND, logs it, prints its wall-clock seconds
  local label="$1" start end; shift
  start="$(date +%s.%N)"
  "$@" >"$work/logs/$label.log" 2>&1 || { log "$label failed; see $work/logs/$label.log"; tail -5 "$work/logs/$label.log" >&2; exit 1; }
  end="$(date +%s.%N)"
  echo "$start $end" | awk '{printf "%.1f", $2 - $1}'
}

same() { if cmp -s "$1" "$2"; then echo identical; else echo DIFFERENT; fi; }
