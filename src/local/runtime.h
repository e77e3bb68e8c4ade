// Where the pieces of a local Spark runtime are: Java, the Spark distribution (the pinned pyspark
// package that scripts/setup.sh installs) and the JDBC driver jars.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/environment.h"
#include "common/status.h"

namespace sicoop::local {

// sicoop's cache: $SICOOP_CACHE, else $XDG_CACHE_HOME/sicoop, else $HOME/.cache/sicoop (the same
// rule as scripts/cache-dir.sh), from the values in `environment`.
std::filesystem::path CacheDir(const Environment& environment);

struct SparkRuntime {
  std::filesystem::path java_home;   // a JDK or JRE of Java 17 or newer
  int java_version = 0;              // its feature version (17); 0 when its release file does not say
  std::filesystem::path spark_home;  // holds bin/spark-submit and jars/
  std::vector<std::string> jars;     // JDBC drivers to put on Spark's class path
};

// Java: $JAVA_HOME, else `java` on PATH. Spark: $SPARK_HOME, else the pyspark package in the
// cache's venv. Jars: $SICOOP_JARS (jar files or folders, ':'-separated), else CACHE/jars/*.jar.
// What is missing is a Failure that says how to get it (scripts/setup.sh).
// The variables are those of `environment`.
Result<SparkRuntime> FindSparkRuntime(const Environment& environment);

}  // namespace sicoop::local
