#!/usr/bin/env bash
# Resolves from Maven Central, with mvn, every jar the Spark Connect server needs beyond Spark's own
# into DIR: the JDBC drivers, the Iceberg runtime and the S3A connector, at the pins of versions.env.
# The one jar list: scripts/setup.sh puts them in the cache for the local server's --jars, and
# deploy/image/Dockerfile bakes them into the server image for Kubernetes. Idempotent: what is
# already in DIR at the pinned versions is kept.
# Usage: scripts/jars.sh DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
log() { printf 'jars: %s\n' "$*" >&2; }
[ $# -eq 1 ] || { log "usage: scripts/jars.sh DIR (the folder to put the jars in)"; exit 2; }

# The JDBC drivers and the Iceberg runtime, one jar each.
install_single_jars() {
  local jars="$1" artifact name version file
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

# Spark's S3A connector: hadoop-aws alone (its other dependencies are in Spark's hadoop-client
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

mkdir -p "$1"
install_single_jars "$1"
install_s3a_jars "$1"
