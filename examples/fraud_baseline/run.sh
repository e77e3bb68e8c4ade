#!/usr/bin/env bash
# Runs the fraud baseline on a lake: run.sh LAKE [train.py options].
# Makes the example's own venv from requirements.txt the first time (and again when the pins change),
# in sicoop's cache folder (scripts/cache-dir.sh), then runs train.py in it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: run.sh LAKE [--min-auc A] [--folds K] [--random-state S]" >&2
  exit 2
fi

cache="$("$here/../../scripts/cache-dir.sh")"
venv="$cache/examples/fraud_baseline/venv"
mkdir -p "$(dirname "$venv")"
# One maker at a time: two runs starting together would otherwise build the same venv at once.
exec 9>"$venv.lock"
flock 9
if ! cmp -s "$here/requirements.txt" "$venv/.sicoop-requirements" 2>/dev/null; then
  echo "run.sh: installing the pinned packages of requirements.txt into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.sicoop-requirements"
fi
flock -u 9

exec "$venv/bin/python" "$here/train.py" "$@"
