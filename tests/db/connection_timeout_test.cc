// sicoop's own connections give up on a database that stops answering (SIGSTOP: the kernel still
// accepts and acknowledges TCP, so only a timeout notices) after the read timeout, with a message
// that names the server, what sicoop waited for and the timeout; a load that keeps moving never
// times out, however long it lasts. On a PostgreSQL and a MariaDB of the suite's own: the harness
// servers are shared and must not be stopped.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "db/connection.h"
#include "db/schema.h"
#include "local/local_postgres.h"
#include "seed/seed.h"
#include "support/run_sicoop.h"
#include "support/stopped_processes.h"

namespace sicoop::db {
namespace {

using testing::PidFromFile;
using testing::StoppedProcesses;

class PostgresTimeoutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = local::LocalPostgres::Start();
    ASSERT_TRUE(started.ok()) << started.status().message();
    server_ = started->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // The server's URL with waits of `read_seconds`.
  static DbUrl Url(int read_seconds) {
    auto url = ParseDbUrl(server_->url());
    EXPECT_TRUE(url.ok()) << url.status().message();
    url->timeouts = TimeoutsOf(std::chrono::seconds(read_seconds));
    return *url;
  }

  static std::unique_ptr<StoppedProcesses> StopServer() {
    return std::make_unique<StoppedProcesses>(PidFromFile(server_->folder() + "/data/postmaster.pid"));
  }

  static local::LocalPostgres* server_;
};

local::LocalPostgres* PostgresTimeoutTest::server_ = nullptr;

// Each test starts its own server (CTest runs every test in a process of its own): a few
// scenarios per test keep the suite short.
TEST_F(PostgresTimeoutTest, AStoppedServerTimesOutQueriesAndConnectsNamingServerWaitAndTimeout) {
  ASSERT_NE(server_, nullptr);
  const DbUrl url = Url(2);
  auto connection = Connect(url);
  ASSERT_TRUE(connection.ok()) << connection.status().message();
  {
    auto stopped = StopServer();
    ASSERT_GE(stopped->count(), 2u) << "the postmaster and at least this connection's backend";
    auto rows = (*connection)->Query("SELECT 1");
    ASSERT_FALSE(rows.ok());
    const std::string& message = rows.status().message();
    EXPECT_NE(message.find("PostgreSQL at " + url.Endpoint()), std::string::npos) << message;
    EXPECT_NE(message.find("sent nothing for 2 s while sicoop waited for the answer to a query"), std::string::npos)
        << message;
    EXPECT_NE(message.find("--db-timeout"), std::string::npos) << message;
    // The session is mid-protocol: what follows fails at once with the same reason, without a
    // second wait (a ROLLBACK after a failed load, for one).
    Status again = (*connection)->Execute("ROLLBACK");
    EXPECT_EQ(again.message(), message);

    auto refused = Connect(url);
    ASSERT_FALSE(refused.ok());
    const std::string& connect_message = refused.status().message();
    EXPECT_NE(connect_message.find("cannot connect to PostgreSQL at " + url.Endpoint()), std::string::npos)
        << connect_message;
    EXPECT_NE(connect_message.find("no answer within 2 s"), std::string::npos) << connect_message;
    EXPECT_EQ(refused.status().reason(), Status::Reason::kUnreachable);
  }
  // Running again, the server answers a new session.
  auto fresh = Connect(url);
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  auto one = (*fresh)->Query("SELECT 1");
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ((*one)[0][0], "1");
}

TEST_F(PostgresTimeoutTest, ALoadTimesOutOnTheServersSilenceNotOnItsLength) {
  ASSERT_NE(server_, nullptr);
  {
    auto connection = Connect(Url(1));
    ASSERT_TRUE(connection.ok()) << connection.status().message();
    ASSERT_TRUE(InitSchema(**connection).ok());
    seed::SeedOptions options;
    options.movimentos = 40000;
    options.batch = 2000;
    // A slow producer: 20 chunks 150 ms apart make a load of 3 s, three times the timeout, while the
    // server never waits a whole second for sicoop, nor sicoop for it.
    auto summary = seed::Seed(**connection, options, [](const seed::SeedProgress& progress) {
      if (progress.table == "movimento") std::this_thread::sleep_for(std::chrono::milliseconds(150));
    });
    ASSERT_TRUE(summary.ok()) << summary.status().message();
    EXPECT_EQ(summary->movimentos, 40000);
    EXPECT_GT(summary->seconds, 1.0);
  }
  auto connection = Connect(Url(2));
  ASSERT_TRUE(connection.ok()) << connection.status().message();
  std::unique_ptr<StoppedProcesses> stopped;
  seed::SeedOptions options;
  options.movimentos = 2'000'000;  // far more than the socket buffers hold
  options.batch = 10000;
  options.truncate = true;
  auto summary = seed::Seed(**connection, options, [&](const seed::SeedProgress& progress) {
    if (!stopped && progress.table == "movimento" && progress.rows_done >= 100000) stopped = StopServer();
  });
  ASSERT_TRUE(stopped) << "the load ended before the server was stopped";
  ASSERT_FALSE(summary.ok());
  const std::string& message = summary.status().message();
  EXPECT_NE(message.find("nothing was loaded"), std::string::npos) << message;
  EXPECT_NE(message.find("sent nothing for 2 s while sicoop waited for the server to take more rows of table movimento"),
            std::string::npos)
      << message;
}

// A MariaDB of the suite's own, started by the harness script in a folder of its own (which starts a
// PostgreSQL beside it: unused here).
class MariaDbTimeoutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                        ("sicoop-mariadb-timeout-" + std::to_string(getpid())));
    testing::RunResult started = testing::RunCommand({SICOOP_SERVERS_SCRIPT, "start", folder_->string(), "db"});
    ASSERT_EQ(started.exit_code, 0) << started.output;
    std::ifstream env(*folder_ / "servers.env");
    for (std::string line; std::getline(env, line);) {
      if (line.rfind("SICOOP_TEST_MYSQL_URL=", 0) == 0) url_ = new std::string(line.substr(line.find('=') + 1));
    }
    ASSERT_NE(url_, nullptr) << "no MariaDB URL in " << (*folder_ / "servers.env");
  }
  static void TearDownTestSuite() {
    (void)testing::RunCommand({SICOOP_SERVERS_SCRIPT, "stop", folder_->string()});
    std::filesystem::remove_all(*folder_);
    delete folder_;
    delete url_;
  }

  static DbUrl Url(int read_seconds) {
    auto url = ParseDbUrl(*url_);
    EXPECT_TRUE(url.ok()) << url.status().message();
    url->timeouts = TimeoutsOf(std::chrono::seconds(read_seconds));
    return *url;
  }
  static std::unique_ptr<StoppedProcesses> StopServer() {
    return std::make_unique<StoppedProcesses>(PidFromFile((*folder_ / "mariadb" / "mysqld.pid").string()));
  }

  static std::filesystem::path* folder_;
  static std::string* url_;
};

std::filesystem::path* MariaDbTimeoutTest::folder_ = nullptr;
std::string* MariaDbTimeoutTest::url_ = nullptr;

// One test, so that the suite starts one MariaDB (the harness takes some 20 s).
TEST_F(MariaDbTimeoutTest, AStoppedServerTimesOutQueriesAndConnects) {
  ASSERT_NE(url_, nullptr);
  const DbUrl url = Url(2);
  auto connection = Connect(url);
  ASSERT_TRUE(connection.ok()) << connection.status().message();
  {
    auto stopped = StopServer();
    auto rows = (*connection)->Query("SELECT 1");
    ASSERT_FALSE(rows.ok());
    const std::string& message = rows.status().message();
    EXPECT_NE(message.find("lost the connection to MySQL/MariaDB at " + url.Endpoint()), std::string::npos) << message;
    EXPECT_NE(message.find("sent nothing for 2 s"), std::string::npos) << message;

    auto refused = Connect(url);
    ASSERT_FALSE(refused.ok());
    const std::string& connect_message = refused.status().message();
    EXPECT_NE(connect_message.find("cannot connect to MySQL/MariaDB at " + url.Endpoint()), std::string::npos)
        << connect_message;
    EXPECT_NE(connect_message.find("no answer within 2 s"), std::string::npos) << connect_message;
  }
  // Running again, the server answers a new session.
  auto fresh = Connect(url);
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  auto one = (*fresh)->Query("SELECT 1");
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ((*one)[0][0], "1");
}

}  // namespace
}  // namespace sicoop::db
