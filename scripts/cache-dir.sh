#!/usr/bin/env bash
# Prints sicoop's cache folder (the pinned Spark runtime, jars, local server state): the one rule
# that scripts/setup.sh, scripts/cluster.sh, the benchmarks and CMake all use, and that the sicoop
# binary applies too (src/local/runtime.h): $SICOOP_CACHE, else $XDG_CACHE_HOME/sicoop, else
# $HOME/.cache/sicoop.
set -euo pipefail
printf '%s\n' "${SICOOP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sicoop}"
