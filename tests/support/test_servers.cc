#include "support/test_servers.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

namespace sicoop::testing {
namespace {

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

std::string Require(const std::map<std::string, std::string>& values, const std::string& key) {
  auto it = values.find(key);
  if (it == values.end() || it->second.empty()) {
    ADD_FAILURE() << key << " not found under $SICOOP_TEST_SERVERS_DIR: run the tests through ctest, "
                  << "whose fixtures start the servers (tests/harness/servers.sh)";
    return "";
  }
  return it->second;
}

std::string ServerUrl(const std::string& key) {
  const char* dir = std::getenv("SICOOP_TEST_SERVERS_DIR");
  std::string base = dir ? dir : SICOOP_DEFAULT_TEST_SERVERS_DIR;
  auto values = ReadEnvFile(base + "/db/servers.env");
  for (const auto& [k, v] : ReadEnvFile(base + "/spark/servers.env")) values[k] = v;
  return Require(values, key);
}

}  // namespace

std::string PostgresUrl() { return ServerUrl("SICOOP_TEST_PG_URL"); }
std::string MysqlUrl() { return ServerUrl("SICOOP_TEST_MYSQL_URL"); }
std::string SparkUrl() { return ServerUrl("SICOOP_TEST_SPARK"); }
std::string S3Endpoint() { return ServerUrl("SICOOP_TEST_S3_ENDPOINT"); }
std::string S3AccessKey() { return ServerUrl("SICOOP_TEST_S3_ACCESS_KEY"); }
std::string S3SecretKey() { return ServerUrl("SICOOP_TEST_S3_SECRET_KEY"); }
std::string S3Region() { return ServerUrl("SICOOP_TEST_S3_REGION"); }
std::string S3Root() { return ServerUrl("SICOOP_TEST_S3_ROOT"); }

std::string FreshS3Bucket() {
  std::string root = S3Root();
  if (root.empty()) return "";
  // A bucket name is 3 to 63 lowercase letters, digits and hyphens: the test's name in that
  // alphabet, made unique by the process id and a counter (test processes share the server).
  static int counter = 0;
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = test ? test->name() : "bucket";
  std::string name;
  for (char c : base) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  std::string suffix = "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
  name = "t-" + name.substr(0, 63 - 2 - suffix.size());
  while (name.back() == '-') name.pop_back();
  name += suffix;
  std::error_code error;
  if (!std::filesystem::create_directory(std::filesystem::path(root) / name, error)) {
    ADD_FAILURE() << "could not make the bucket folder " << root << "/" << name << ": "
                  << (error ? error.message() : "it exists already");
    return "";
  }
  return name;
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  auto slash = url.rfind('/');
  return url.substr(0, slash + 1) + database;
}

std::string SicoopBinary() {
  const char* bin = std::getenv("SICOOP_BIN");
  return bin ? bin : SICOOP_DEFAULT_BIN;
}

}  // namespace sicoop::testing
