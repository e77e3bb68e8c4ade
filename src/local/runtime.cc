#include "local/runtime.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "common/process.h"

namespace sicoop::local {
namespace {

namespace fs = std::filesystem;

// Spark 4 runs on Java 17 or newer.
constexpr int kMinJavaVersion = 17;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

bool IsExecutable(const fs::path& path) { return access(path.c_str(), X_OK) == 0; }

// The feature version in JAVA_HOME/release (JAVA_VERSION="17.0.2" or "1.8.0_392"); 0 if unknown.
int JavaVersion(const fs::path& java_home) {
  std::ifstream release(java_home / "release");
  std::string line;
  while (std::getline(release, line)) {
    if (!line.starts_with("JAVA_VERSION=\"")) continue;
    std::string version = line.substr(14);
    if (version.starts_with("1.")) version = version.substr(2);
    return std::atoi(version.c_str());
  }
  return 0;
}

Result<fs::path> FindJavaHome() {
  std::string java_home = Env("JAVA_HOME");
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

Result<fs::path> FindSparkHome() {
  std::string spark_home = Env("SPARK_HOME");
  if (!spark_home.empty()) {
    if (IsExecutable(fs::path(spark_home) / "bin" / "spark-submit")) return fs::path(spark_home);
    return Status::Failure("SPARK_HOME=" + spark_home + " has no bin/spark-submit: unset it to use the " +
                           "Spark that scripts/setup.sh installs, or point it at a Spark 4 distribution");
  }
  fs::path lib = CacheDir() / "venv" / "lib";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(lib, error)) {
    fs::path candidate = entry.path() / "site-packages" / "pyspark";
    if (IsExecutable(candidate / "bin" / "spark-submit")) return candidate;
  }
  return Status::Failure("no Spark runtime in " + lib.string() + ": run scripts/setup.sh (it installs the " +
                         "pinned pyspark there), or set SPARK_HOME");
}

void AddJars(const fs::path& path, std::vector<std::string>& jars) {
  std::error_code error;
  if (!fs::is_directory(path, error)) {
    if (fs::exists(path, error)) jars.push_back(fs::absolute(path).string());
    return;
  }
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(path, error)) {
    if (entry.path().extension() == ".jar") found.push_back(fs::absolute(entry.path()).string());
  }
  std::sort(found.begin(), found.end());
  jars.insert(jars.end(), found.begin(), found.end());
}

std::vector<std::string> FindJars() {
  std::vector<std::string> jars;
  std::string list = Env("SICOOP_JARS");
  if (list.empty()) {
    AddJars(CacheDir() / "jars", jars);
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

fs::path CacheDir() {
  if (std::string cache = Env("SICOOP_CACHE"); !cache.empty()) return cache;
  if (std::string xdg = Env("XDG_CACHE_HOME"); !xdg.empty()) return fs::path(xdg) / "sicoop";
  return fs::path(Env("HOME")) / ".cache" / "sicoop";
}

Result<SparkRuntime> FindSparkRuntime() {
  SparkRuntime runtime;
  SICOOP_ASSIGN_OR_RETURN(runtime.java_home, FindJavaHome());
  SICOOP_ASSIGN_OR_RETURN(runtime.spark_home, FindSparkHome());
  runtime.jars = FindJars();
  return runtime;
}

}  // namespace sicoop::local
