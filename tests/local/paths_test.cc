// Where the local runtime and server look, as pure rules of the environment's values.
#include <gtest/gtest.h>

#include "common/environment.h"
#include "local/local_server.h"
#include "local/runtime.h"

namespace sicoop::local {
namespace {

TEST(CacheDirTest, SicoopCacheThenXdgCacheHomeThenHome) {
  Environment environment;
  environment.home = "/home/ana";
  EXPECT_EQ(CacheDir(environment), "/home/ana/.cache/sicoop");
  environment.xdg_cache_home = "/var/cache/ana";
  EXPECT_EQ(CacheDir(environment), "/var/cache/ana/sicoop");
  environment.cache = "/opt/sicoop-cache";
  EXPECT_EQ(CacheDir(environment), "/opt/sicoop-cache");
}

TEST(DefaultStateDirTest, SicoopStateDirElseTheCachesSparkServerFolder) {
  Environment environment;
  environment.cache = "/c";
  EXPECT_EQ(DefaultStateDir(environment), "/c/spark-server");
  environment.state_dir = "/run/spark";
  EXPECT_EQ(DefaultStateDir(environment), "/run/spark");
}

TEST(DefaultDriverMemoryTest, SicoopSparkMemoryElseFourGigabytes) {
  Environment environment;
  EXPECT_EQ(DefaultDriverMemory(environment), "4g");
  environment.spark_memory = "512m";
  EXPECT_EQ(DefaultDriverMemory(environment), "512m");
}

TEST(EnvironmentTest, FromProcessReadsEachVariableAndLeavesUnsetOnesEmpty) {
  setenv("SICOOP_DB_PASSWORD", "pw", 1);
  setenv("SICOOP_STATE_DIR", "/state", 1);
  setenv("SICOOP_JARS", "/a.jar:/b", 1);
  setenv("USER", "ana", 1);
  unsetenv("SICOOP_SPARK_MEMORY");
  Environment environment = Environment::FromProcess();
  EXPECT_EQ(environment.db_password, "pw");
  EXPECT_EQ(environment.state_dir, "/state");
  EXPECT_EQ(environment.jars, "/a.jar:/b");
  EXPECT_EQ(environment.user, "ana");
  EXPECT_EQ(environment.spark_memory, "");
}

}  // namespace
}  // namespace sicoop::local
