// What the processes sicoop starts inherit and how long they live: no secret variable crosses into
// a child, and a child started to die with its parent dies when the parent is killed by SIGKILL,
// which no handler of the parent sees; one started without it lives on.
#include "common/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sicoop {
namespace {

// The NUL-separated NAME=value entries of /proc/PID/environ.
std::vector<std::string> EnvironmentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::vector<std::string> entries;
  for (std::string entry; std::getline(in, entry, '\0');) entries.push_back(entry);
  return entries;
}

// True once `pid` has gone (or is a zombie) within `limit`; 50 ms between looks.
bool GoneWithin(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t paren = text.rfind(')');
    if (text.empty() || (paren != std::string::npos && text.substr(paren + 2, 1) == "Z")) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(SecretVariableTest, NamesThatHoldSecrets) {
  for (const char* name : {"SICOOP_DB_PASSWORD", "SICOOP_DB_PASSWORD_FILE", "PGPASSWORD", "MYSQL_PWD",
                           "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "SPARK_AUTH_SECRET",
                           "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_STORAGE_KEY", "ldap_passwd", "GPG_PASSPHRASE"}) {
    EXPECT_TRUE(IsSecretVariable(name)) << name;
  }
  for (const char* name : {"PATH", "HOME", "PWD", "OLDPWD", "JAVA_HOME", "SPARK_HOME", "SICOOP_STATE_DIR", "TZ",
                           "AWS_ACCESS_KEY_ID", "AWS_REGION", "LANG", "USER"}) {
    EXPECT_FALSE(IsSecretVariable(name)) << name;
  }
}

TEST(StartProcessTest, AChildInheritsNoSecretVariableButWhatItIsGiven) {
  const std::vector<std::string> secrets = {"SICOOP_DB_PASSWORD", "SICOOP_DB_PASSWORD_FILE", "PGPASSWORD",
                                            "MYSQL_PWD", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
  for (const std::string& name : secrets) setenv(name.c_str(), "inherited-secret", 1);
  setenv("SICOOP_PROCESS_TEST_PLAIN", "plain", 1);

  ProcessSpec spec;
  spec.argv = {"sleep", "30"};
  spec.env = {{"SPARK_AUTH_SECRET", "given"}};
  auto pid = StartProcess(spec);
  for (const std::string& name : secrets) unsetenv(name.c_str());
  unsetenv("SICOOP_PROCESS_TEST_PLAIN");
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  // The child has exec'd once its environment shows the spec's entries.
  std::vector<std::string> environment;
  for (int look = 0; look < 100; ++look) {
    environment = EnvironmentOf(*pid);
    bool execed = false;
    for (const std::string& entry : environment) execed = execed || entry == "SPARK_AUTH_SECRET=given";
    if (execed) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(*pid, SIGKILL);
  waitpid(*pid, nullptr, 0);

  std::ostringstream shown;
  for (const std::string& entry : environment) shown << entry << "\n";
  bool plain_seen = false, given_seen = false;
  for (const std::string& entry : environment) {
    EXPECT_EQ(entry.find("inherited-secret"), std::string::npos) << entry;
    plain_seen = plain_seen || entry == "SICOOP_PROCESS_TEST_PLAIN=plain";
    given_seen = given_seen || entry == "SPARK_AUTH_SECRET=given";
  }
  EXPECT_TRUE(plain_seen) << shown.str();
  EXPECT_TRUE(given_seen) << shown.str();
}

// A parent (forked from this test) starts `sleep 30` through StartProcess and reports its pid, then
// is killed by SIGKILL. Returns the sleeper's pid (0 on failure); the parent is reaped.
pid_t SleeperOfAKilledParent(bool dies_with_parent) {
  int report[2];
  if (pipe(report) != 0) return 0;
  pid_t parent = fork();
  if (parent == 0) {
    close(report[0]);
    ProcessSpec spec;
    spec.argv = {"sleep", "30"};
    spec.new_session = true;  // as the Spark server: out of the test's process group
    spec.dies_with_parent = dies_with_parent;
    auto sleeper = StartProcess(spec);
    pid_t pid = sleeper.ok() ? *sleeper : 0;
    if (write(report[1], &pid, sizeof pid) != sizeof pid) _exit(1);
    pause();  // until killed
    _exit(0);
  }
  close(report[1]);
  pid_t sleeper = 0;
  if (parent < 0 || read(report[0], &sleeper, sizeof sleeper) != sizeof sleeper) sleeper = 0;
  close(report[0]);
  if (parent > 0) {
    kill(parent, SIGKILL);
    waitpid(parent, nullptr, 0);
  }
  return sleeper;
}

TEST(StartProcessTest, AChildThatDiesWithItsParentDiesWhenTheParentIsKilled) {
  const pid_t sleeper = SleeperOfAKilledParent(true);
  ASSERT_GT(sleeper, 0);
  EXPECT_TRUE(GoneWithin(sleeper, std::chrono::seconds(10))) << "pid " << sleeper << " outlived its parent";
  kill(sleeper, SIGKILL);  // in case it did not
}

TEST(StartProcessTest, AChildStartedWithoutItOutlivesItsParent) {
  const pid_t sleeper = SleeperOfAKilledParent(false);
  ASSERT_GT(sleeper, 0);
  EXPECT_FALSE(GoneWithin(sleeper, std::chrono::seconds(1))) << "pid " << sleeper << " died with its parent";
  kill(sleeper, SIGKILL);
}

}  // namespace
}  // namespace sicoop
