#include "support/test_servers.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

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

std::string WithDatabase(const std::string& url, const std::string& database) {
  auto slash = url.rfind('/');
  return url.substr(0, slash + 1) + database;
}

std::string SicoopBinary() {
  const char* bin = std::getenv("SICOOP_BIN");
  return bin ? bin : SICOOP_DEFAULT_BIN;
}

}  // namespace sicoop::testing
