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

# The JDBC drivers, the Iceberg runtime and the S3A connector: every jar in this folder goes on the local server's --jars.
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
  install_s3a_jars "$jars"
}

# Spark's S3A connector: hadoop-aws alone (its other dependencies are in pyspark's hadoop-client
# jars), and the AWS SDK v2 modules it calls with their dependencies, except those Spark's runtime
# already ships (netty, Apache httpclient, commons-codec/-logging, slf4j): a second copy at another
# version on the classpath would shadow Spark's. Not the SDK's 558 MB bundle. The stamp lists the
# jars copied, so that a run with other pins removes the old ones before copying the new.
install_s3a_jars() {
  local jars="$1" stamp="$1/.sicoop-s3a-jars"
  local pins="hadoop-aws=$HADOOP_AWS_VERSION aws-sdk=$AWS_SDK_VERSION" jar
  if [ -f "$stamp" ] && [ "$(head -1 "$stamp")" = "$pins" ]; then
    local missing=""
    while read -r jar; do [ -s "$jars/$jar" ] || missing=1; done < <(tail -n +2 "$stamp")
    [ -z "$missing" ] && return 0
  fi
  if [ -f "$stamp" ]; then
    while read -r jar; do rm -f "${jars:?}/$jar"; done < <(tail -n +2 "$stamp")
    rm -f "$stamp"
  fi
  log "resolving hadoop-aws $HADOOP_AWS_VERSION and AWS SDK $AWS_SDK_VERSION (s3, s3-transfer-manager, sts) from Maven Central"
  local pom out
  pom="$(mktemp -d)"; out="$pom/jars"
  local sdk="" module
  for module in s3 s3-transfer-manager sts; do
    sdk+="<dependency><groupId>software.amazon.awssdk</groupId><artifactId>$module</artifactId>"
    sdk+="<version>$AWS_SDK_VERSION</version></dependency>"
  done
  cat > "$pom/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.sicoop</groupId><artifactId>s3a-jars</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.hadoop</groupId><artifactId>hadoop-aws</artifactId><version>$HADOOP_AWS_VERSION</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency>
    $sdk
  </dependencies>
</project>
POM
  if ! (cd "$pom" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$out" \
    -DexcludeGroupIds=io.netty,org.apache.httpcomponents,commons-logging,commons-codec,org.slf4j >/dev/null); then
    rm -rf "$pom"; log "mvn could not resolve the S3A jars"; exit 1
  fi
  [ -s "$out/hadoop-aws-$HADOOP_AWS_VERSION.jar" ] && [ -s "$out/s3-$AWS_SDK_VERSION.jar" ] ||
    { rm -rf "$pom"; log "mvn did not produce hadoop-aws-$HADOOP_AWS_VERSION.jar and s3-$AWS_SDK_VERSION.jar"; exit 1; }
  cp "$out"/*.jar "$jars/"
  { echo "$pins"; (cd "$out" && ls -- *.jar); } > "$stamp"
  rm -rf "$pom"
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

# Only for the tests: actionlint, built from its Go module into the tools folder (skipped when the
# binary of the pinned version is there), with the machine's Go when new enough, else the pinned
# Go toolchain (versions.env says why).
install_actionlint() {
  local tools="$cache/tools" bin="$cache/tools/actionlint"
  [ -x "$bin" ] && [ "$("$bin" -version 2>/dev/null | head -1)" = "v$ACTIONLINT_VERSION" ] && return 0
  mkdir -p "$tools"
  local go
  go="$(find_go)"
  log "building actionlint $ACTIONLINT_VERSION with $go"
  # GOPATH in the cache: the module downloads land there, not in the user's ~/go.
  GOBIN="$tools" GOPATH="$cache/go-path" GOFLAGS=-modcacherw GOTOOLCHAIN=local \
    "$go" install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
}

# Prints a go command of at least ACTIONLINT_GO_MIN: the machine's, else the pinned toolchain,
# fetched once from the Go module proxy into the cache.
find_go() {
  local candidate version
  for candidate in "$(command -v go || true)" /usr/local/go/bin/go "$cache/go-$GO_TOOLCHAIN_VERSION/bin/go"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    version="$(GOTOOLCHAIN=local "$candidate" env GOVERSION 2>/dev/null)"; version="${version#go}"
    [ -n "$version" ] && [ "$(printf '%s\n' "$ACTIONLINT_GO_MIN" "$version" | sort -V | head -1)" = "$ACTIONLINT_GO_MIN" ] &&
      { echo "$candidate"; return 0; }
  done
  local module="golang.org/toolchain@v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-amd64" tmp
  [ "$(uname -m)" = x86_64 ] || { log "no Go >= $ACTIONLINT_GO_MIN on this machine (actionlint needs it) and the pinned toolchain is for x86_64 only: install Go >= $ACTIONLINT_GO_MIN (https://go.dev/dl) and put it on PATH"; exit 1; }
  log "no Go >= $ACTIONLINT_GO_MIN on this machine (Debian 12's golang-go is 1.19); fetching $module from proxy.golang.org"
  tmp="$(mktemp -d)"
  if ! curl -fsSL --retry 3 -o "$tmp/go.zip" "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-amd64.zip" ||
    ! echo "$GO_TOOLCHAIN_SHA256  $tmp/go.zip" | sha256sum -c --quiet - >&2; then
    rm -rf "$tmp"; log "could not fetch $module with SHA-256 $GO_TOOLCHAIN_SHA256 (see above); install Go >= $ACTIONLINT_GO_MIN and put it on PATH"; exit 1
  fi
  unzip -q "$tmp/go.zip" -d "$tmp"
  rm -rf "$cache/go-$GO_TOOLCHAIN_VERSION"
  mv "$tmp/$module" "$cache/go-$GO_TOOLCHAIN_VERSION"
  rm -rf "$tmp"
  # The module zip does not keep file modes.
  chmod +x "$cache/go-$GO_TOOLCHAIN_VERSION"/bin/* "$cache/go-$GO_TOOLCHAIN_VERSION"/pkg/tool/*/*
  echo "$cache/go-$GO_TOOLCHAIN_VERSION/bin/go"
}

install_apt_packages
mkdir -p "$cache"
install_spark_runtime
install_jars
install_test_tools
install_actionlint
