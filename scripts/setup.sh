#!/usr/bin/env bash
# Installs what sicoop needs to build, run and test, idempotently: Debian packages, the pinned
# Spark runtime (PyPI pyspark) with pyarrow (whose libarrow the Spark Connect client links), and the
# pinned JDBC drivers from Maven Central. A second run only checks and returns.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="$(bash "$here/cache-dir.sh")"
log() { printf 'setup: %s\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  for pkg in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  # Some packages start their service once installed (nginx would listen on 0.0.0.0:80); the tests
  # run servers of their own on 127.0.0.1, so a machine without a policy gets one that forbids
  # starting services, for the length of the install.
  local policy=/usr/sbin/policy-rc.d made_policy="" status=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    status=$?
  if [ -n "$made_policy" ]; then $sudo rm -f "$policy"; fi
  return "$status"
}

install_spark_runtime() {
  local venv="$cache/venv" stamp="$cache/venv/.sicoop-pins"
  local want="pyspark==$PYSPARK_VERSION pyarrow==$PYARROW_VERSION jsonschema==$JSONSCHEMA_VERSION"
  want+=" pyiceberg[pyarrow]==$PYICEBERG_VERSION"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  log "installing $want into $venv"
  python3 -m venv "$venv"
  # Split on spaces only: "pyiceberg[pyarrow]" must reach pip as written, not as a glob.
  local pins
  read -ra pins <<<"$want"
  "$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}"
  echo "$want" > "$stamp"
}

# The JDBC drivers and the Iceberg runtime: every jar in this folder goes on the local server's --jars.
install_jars() {
  local jars="$cache/jars"
  mkdir -p "$jars"
  local artifact file
  for artifact in "org.postgresql:postgresql:$POSTGRESQL_JDBC_VERSION" "com.mysql:mysql-connector-j:$MYSQL_JDBC_VERSION" \
    "org.apache.iceberg:iceberg-spark-runtime-4.0_2.13:$ICEBERG_VERSION"; do
    IFS=: read -r _ name version <<<"$artifact"
    file="$jars/$name-$version.jar"
    [ -s "$file" ] && continue
    log "resolving $artifact from Maven Central"
    mvn -q -B dependency:copy -Dartifact="$artifact" -DoutputDirectory="$jars" >/dev/null
    [ -s "$file" ] || { log "mvn did not produce $file"; exit 1; }
  done
}

install_apt_packages
mkdir -p "$cache"
install_spark_runtime
install_jars
