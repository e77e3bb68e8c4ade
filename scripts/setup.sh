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

# The JDBC drivers, the Iceberg runtime and the S3A connector: every jar in this folder goes on the
# local server's --jars. The list is scripts/jars.sh's, which the Kubernetes image bakes in too.
install_jars() {
  bash "$here/jars.sh" "$cache/jars"
}

# Only for the tests: s3proxy, the S3-compatible server of tests/harness/servers.sh. In a folder of
# its own, not among the jars: those all go on Spark's classpath.
install_test_tools() {
  local tools="$cache/tools" file="$cache/tools/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
  [ -s "$file" ] && return 0
  mkdir -p "$tools"
  log "resolving org.gaul:s3proxy:$S3PROXY_VERSION from Maven Central"
  mvn -q -B dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
    -DoutputDirectory="$tools" >/dev/null
  [ -s "$file" ] || { log "mvn did not produce $file"; exit 1; }
}

# Only for the tests: a tool built from its Go module into the tools folder, skipped when the binary
# reports the pinned version. install_go_tool NAME VERSION_ARGUMENT REPORTED_VERSION MODULE@VERSION
install_go_tool() {
  local bin="$cache/tools/$1"
  [ -x "$bin" ] && [ "$("$bin" "$2" 2>/dev/null | head -1)" = "$3" ] && return 0
  mkdir -p "$cache/tools"
  local go
  go="$(find_go)"
  log "building $4 with $go"
  # GOPATH in the cache: the module downloads land there, not in the user's ~/go. A module whose
  # go.mod asks for a newer Go than the machine's (kustomize asks for 1.26) makes the go command
  # fetch that toolchain from the Go module proxy.
  GOBIN="$cache/tools" GOPATH="$cache/go-path" GOFLAGS=-modcacherw GOTOOLCHAIN=auto "$go" install "$4"
}

# Prints a go command of at least ACTIONLINT_GO_MIN: the one on PATH or in /usr/local/go. Debian 12's
# golang-go (1.19) is too old, and Go is not a Debian package of a version that would do.
find_go() {
  local candidate version
  for candidate in "$(command -v go || true)" /usr/local/go/bin/go; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    version="$(GOTOOLCHAIN=local "$candidate" env GOVERSION 2>/dev/null)"; version="${version#go}"
    [ -n "$version" ] && [ "$(printf '%s\n' "$ACTIONLINT_GO_MIN" "$version" | sort -V | head -1)" = "$ACTIONLINT_GO_MIN" ] &&
      { echo "$candidate"; return 0; }
  done
  log "no Go >= $ACTIONLINT_GO_MIN on PATH or in /usr/local/go: the test tools (actionlint, kustomize) are built with it; install one and run again"
  exit 1
}

# Only for the tests of deploy/kubernetes: kubernetes-validate in a venv of its own (its jsonschema
# need not be the one pinned above), and kustomize built from its Go module into the tools folder;
# each skipped when its pinned version is there.
install_kubernetes_tools() {
  local venv="$cache/kubernetes-validate" want="kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  if [ ! -f "$venv/.sicoop-pins" ] || [ "$(cat "$venv/.sicoop-pins")" != "$want" ]; then
    log "installing $want into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "$want"
    echo "$want" > "$venv/.sicoop-pins"
  fi
  install_go_tool kustomize version "v$KUSTOMIZE_VERSION" "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION"
}

# Only for the tests of deploy/airflow: apache-airflow in a venv of its own, with the constraints file
# beside the DAG (every dependency at the version the DAG was tested with); reinstalled when the pin or
# that file changes.
install_airflow() {
  local venv="$cache/airflow-venv" constraints="$here/../deploy/airflow/constraints-$AIRFLOW_VERSION-py3.11.txt"
  local want
  want="apache-airflow==$AIRFLOW_VERSION $(sha256sum < "$constraints" | cut -c1-64)"
  [ -f "$venv/.sicoop-pins" ] && [ "$(cat "$venv/.sicoop-pins")" = "$want" ] && return 0
  log "installing apache-airflow==$AIRFLOW_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "apache-airflow==$AIRFLOW_VERSION" -c "$constraints"
  echo "$want" > "$venv/.sicoop-pins"
}

install_apt_packages
mkdir -p "$cache"
install_spark_runtime
install_jars
install_test_tools
install_go_tool actionlint -version "v$ACTIONLINT_VERSION" "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
install_kubernetes_tools
install_airflow
