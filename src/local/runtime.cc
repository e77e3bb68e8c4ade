#include "local/runtime.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>

#include "common/numbers.h"
#include "common/process.h"

namespace sicoop::local {
namespace {

namespace fs = std::filesystem;

// Spark 4 runs on Java 17 or newer.
constexpr int kMinJavaVersion = 17;

bool IsExecutable(const fs::path& path) { return access(path.c_str(), X_OK) == 0; }

// The feature version in JAVA_HOME/release (JAVA_VERSION="17.0.2" or "1.8.0_392"); 0 if unknown.
int JavaVersion(const fs::path& java_home) {
  std::ifstream release(java_home / "release");
  std::string line;
  while (std::getline(release, line)) {
    if (!line.starts_with("JAVA_VERSION=\"")) continue;
    std::string version = line.substr(14);
    if (version.starts_with("1.")) version = version.substr(2);
    const std::optional<int64_t> feature = ParseInteger(version.substr(0, version.find_first_of(".\"_-+")));
    return feature && *feature > 0 && *feature < 1000 ? static_cast<int>(*feature) : 0;
  }
  return 0;
}

Result<fs::path> FindJavaHome(const std::string& java_home) {
  std::string why;
  fs::path home;
  if (!java_home.empty() && IsExecutable(fs::path(java_home) / "bin" / "java")) {
    home = java_home;
  } else {
    if (!java_home.empty()) why = "JAVA_HOME=" + java_home + " has no bin/java, and ";
    std::string java = FindOnPath("java");
    if (java.empty()) {
      return Status::Failure("Java " + std::to_string(kMinJavaVersion) + " not found (" + why +
                             "there is no java on PATH), and the local Spark needs it: run "
                             "scripts/setup.sh, or set JAVA_HOME to a JDK " +
                             std::to_string(kMinJavaVersion) + " or newer");
    }
    std::error_code error;
    fs::path real = fs::canonical(java, error);  // /usr/bin/java is a chain of links into the JDK
    home = (error ? fs::path(java) : real).parent_path().parent_path();
  }
  int version = JavaVersion(home);
  if (version != 0 && version < kMinJavaVersion) {
    return Status::Failure("Spark 4 needs Java " + std::to_string(kMinJavaVersion) + " or newer, but " +
                           home.string() + " is Java " + std::to_string(version) +
                           ": run scripts/setup.sh, or set JAVA_HOME to a newer JDK");
  }
  return home;
}

Result<fs::path> FindSparkHome(const std::string& spark_home, const fs::path& cache_dir) {
  if (!spark_home.empty()) {
    if (IsExecutable(fs::path(spark_home) / "bin" / "spark-submit")) return fs::path(spark_home);
    return Status::Failure("SPARK_HOME=" + spark_home + " has no bin/spark-submit: unset it to use the " +
                           "Spark that scripts/setup.sh installs, or point it at a Spark 4 distribution");
  }
  fs::path lib = cache_dir / "venv" / "lib";
  std::error_code error;
  for (fs::directory_iterator it(lib, error), end; !error && it != end; it.increment(error)) {
    fs::path candidate = it->path() / "site-packages" / "pyspark";
    if (IsExecutable(candidate / "bin" / "spark-submit")) return candidate;
  }
  return Status::Failure("no Spark runtime in " + lib.string() + ": run scripts/setup.sh (it installs the " +
                         "pinned pyspark there), or set SPARK_HOME");
}

// A jar that cannot be resolved or listed is left out: Spark's own error then names the missing class.
void AddJars(const fs::path& path, std::vector<std::string>& jars) {
  std::error_code error;
  if (!fs::is_directory(path, error)) {
    fs::path absolute = fs::absolute(path, error);
    if (!error && fs::exists(absolute, error)) jars.push_back(absolute.string());
    return;
  }
  std::vector<std::string> found;
  for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
    std::error_code unresolved;
    fs::path absolute = fs::absolute(it->path(), unresolved);
    if (!unresolved && it->path().extension() == ".jar") found.push_back(absolute.string());
  }
  std::sort(found.begin(), found.end());
  jars.insert(jars.end(), found.begin(), found.end());
}

std::vector<std::string> FindJars(const std::string& list, const fs::path& cache_dir) {
  std::vector<std::string> jars;
  if (list.empty()) {
    AddJars(cache_dir / "jars", jars);
    return jars;
  }
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = std::min(list.find(':', start), list.size());
    if (end > start) AddJars(list.substr(start, end - start), jars);
    start = end + 1;
  }
  return jars;
}

}  // namespace

fs::path CacheDir(const Environment& environment) {
  if (!environment.cache.empty()) return environment.cache;
  if (!environment.xdg_cache_home.empty()) return fs::path(environment.xdg_cache_home) / "sicoop";
  return fs::path(environment.home) / ".cache" / "sicoop";
}

Result<SparkRuntime> FindSparkRuntime(const Environment& environment) {
  const fs::path cache_dir = CacheDir(environment);
  SparkRuntime runtime;
  SICOOP_ASSIGN_OR_RETURN(runtime.java_home, FindJavaHome(environment.java_home));
  runtime.java_version = JavaVersion(runtime.java_home);
  SICOOP_ASSIGN_OR_RETURN(runtime.spark_home, FindSparkHome(environment.spark_home, cache_dir));
  runtime.jars = FindJars(environment.jars, cache_dir);
  return runtime;
}

}  // namespace sicoop::local
