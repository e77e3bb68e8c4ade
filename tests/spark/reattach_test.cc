// Reattachable execution against the real Spark Connect server of the spark_server fixture, through
// a TCP proxy that breaks connections on demand (support/tcp_proxy.h): a stream cut while a plan
// runs or while its results arrive is reattached and every row arrives once; an outage shorter than
// the reattach timeout is ridden out, a longer one fails clearly; an operation whose client was
// SIGKILLed is stopped by the server, one ended by SIGTERM releases it on its way out; and a live
// client's idle session is not closed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/process.h"
#include "spark/session.h"
#include "support/files.h"
#include "support/tcp_proxy.h"
#include "support/test_servers.h"

namespace sicoop::spark {
namespace {

namespace fs = std::filesystem;

// 40 rows that nap 200 ms each inside Spark, in 4 partitions on the server's two task slots: about
// 4 s of work, reported every 100 ms (the sessions below ask for that), its results sent partition
// by partition as each one completes. Spark's reflect() gives the text "null" for a void method.
constexpr char kNappingQuery[] =
    "SELECT id, reflect('java.lang.Thread', 'sleep', CAST(200 + id % 2 AS BIGINT)) AS nap "
    "FROM range(0, 40, 1, 4)";

void ExpectTheNappingRows(const Rows& rows) {
  ASSERT_EQ(rows.rows.size(), 40u);
  for (int id = 0; id < 40; ++id) EXPECT_EQ(rows.rows[id], (Row{std::to_string(id), "null"})) << "row " << id;
}

class ReattachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spark = ParseConnectionString(testing::SparkUrl());
    ASSERT_TRUE(spark.ok()) << spark.status().message();
    proxy_ = std::make_unique<testing::TcpProxy>(spark->port);
    ASSERT_NE(proxy_->port(), 0);
  }

  // A session through the proxy that gives up reattaching after `reattach_timeout`, or when
  // `server_gone` gives a reason.
  std::unique_ptr<SparkSession> Connect(std::chrono::milliseconds reattach_timeout = std::chrono::seconds(60),
                                        std::function<std::optional<std::string>()> server_gone = {}) {
    auto endpoint = ParseConnectionString(ProxyUrl());
    EXPECT_TRUE(endpoint.ok()) << endpoint.status().message();
    SessionOptions options;
    options.reattach_timeout = reattach_timeout;
    options.server_gone = std::move(server_gone);
    options.conf = {{"spark.connect.progress.reportInterval", "100ms"}};
    auto session = SparkSession::Connect(*endpoint, options);
    EXPECT_TRUE(session.ok()) << session.status().message();
    return session.ok() ? std::move(*session) : nullptr;
  }

  std::string ProxyUrl() const { return "sc://127.0.0.1:" + std::to_string(proxy_->port()); }

  // At Spark's second progress report the proxy cuts the stream and refuses every connection from
  // then on; `then` runs at that moment.
  void CutForGoodAtTheSecondReport(SparkSession& spark, std::function<void()> then = {}) {
    spark.SetProgressHandler([this, reports = 0, then = std::move(then)](const ExecutionProgress&) mutable {
      if (++reports != 2) return;
      if (then) then();
      proxy_->RefuseNext(INT_MAX);
      proxy_->CutAll();
    });
  }

  std::unique_ptr<testing::TcpProxy> proxy_;
};

// Cut once before any result (2nd progress report) and once after the first partitions' results
// came (20th report, about 2 s in): every row arrives, once, in order, and Spark's progress reports
// keep coming after the reattach.
TEST_F(ReattachTest, ConnectionCutTwiceWhileAPlanRunsIsReattachedAndEveryRowArrivesOnce) {
  auto spark = Connect();
  ASSERT_NE(spark, nullptr);
  int reports = 0;
  int reports_after_the_cuts = 0;
  spark->SetProgressHandler([&](const ExecutionProgress&) {
    ++reports;
    if (reports == 2 || reports == 20) {
      proxy_->CutAll();
    } else if (reports > 20) {
      ++reports_after_the_cuts;
    }
  });
  auto rows = spark->Sql(kNappingQuery).Collect();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ExpectTheNappingRows(*rows);
  EXPECT_EQ(proxy_->connections_cut(), 2) << reports << " progress reports";
  EXPECT_GE(proxy_->connections_forwarded(), 3);  // the first connection and one after each cut
  EXPECT_GT(reports_after_the_cuts, 0);
}

// A cut in the middle of the result batches (after 6 MiB of some 25): the reattached stream resumes
// after the last response the client had, so no batch is lost or repeated.
TEST_F(ReattachTest, ResultsCutMidTransferResumeAfterTheLastResponseSeen) {
  auto spark = Connect();
  ASSERT_NE(spark, nullptr);
  proxy_->CutAfterServerBytes(6 << 20);
  auto rows = spark->Sql("SELECT id, repeat('x', 100) AS pad FROM range(0, 200000, 1, 4) ORDER BY id").Collect();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(proxy_->connections_cut(), 1);
  ASSERT_EQ(rows->rows.size(), 200000u);
  int wrong = 0;
  for (size_t i = 0; i < rows->rows.size(); ++i) {
    if (rows->rows[i] != Row{std::to_string(i), std::string(100, 'x')} && ++wrong <= 3) {
      ADD_FAILURE() << "row " << i << " is " << rows->rows[i][0].value_or("NULL");
    }
  }
  EXPECT_EQ(wrong, 0);
}

// The same cut while the result is streamed (DataFrame::ForEachBatch): the consumer gets every row
// once, in order.
TEST_F(ReattachTest, AStreamedResultCutMidTransferGoesOnAfterTheLastResponseSeen) {
  auto spark = Connect();
  ASSERT_NE(spark, nullptr);
  proxy_->CutAfterServerBytes(6 << 20);
  int64_t next = 0;
  int wrong = 0;
  Status streamed = spark->Sql("SELECT id, repeat('x', 100) AS pad FROM range(0, 200000, 1, 4) ORDER BY id")
                        .ForEachBatch([&](Rows&& rows) {
                          for (const Row& row : rows.rows) {
                            if (row != Row{std::to_string(next), std::string(100, 'x')} && ++wrong <= 3) {
                              ADD_FAILURE() << "row " << next << " is " << row[0].value_or("NULL");
                            }
                            ++next;
                          }
                          return Status::Ok();
                        });
  ASSERT_TRUE(streamed.ok()) << streamed.message();
  EXPECT_EQ(proxy_->connections_cut(), 1);
  EXPECT_EQ(next, 200000);
  EXPECT_EQ(wrong, 0);
}

// The connection is cut and the next two connections are refused: the client backs off, tries
// again, and the run completes once the server is reachable again.
TEST_F(ReattachTest, ShortOutageIsRiddenOutWithBackOff) {
  auto spark = Connect();
  ASSERT_NE(spark, nullptr);
  int reports = 0;
  spark->SetProgressHandler([&](const ExecutionProgress&) {
    if (++reports == 2) {
      proxy_->RefuseNext(2);
      proxy_->CutAll();
    }
  });
  auto rows = spark->Sql(kNappingQuery).Collect();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ExpectTheNappingRows(*rows);
  EXPECT_EQ(proxy_->connections_refused(), 2);
  EXPECT_EQ(proxy_->connections_cut(), 1);
}

// Refused for longer than the reattach timeout: the action fails with a message that names the
// endpoint, the timeout and what to do, after having tried more than once.
TEST_F(ReattachTest, OutageLongerThanTheReattachTimeoutFailsClearly) {
  auto spark = Connect(std::chrono::seconds(3));
  ASSERT_NE(spark, nullptr);
  CutForGoodAtTheSecondReport(*spark);
  auto rows = spark->Sql(kNappingQuery).Collect();
  ASSERT_FALSE(rows.ok());
  const std::string& message = rows.status().message();
  EXPECT_NE(message.find("lost the connection to Spark Connect at " + ProxyUrl() +
                         " during an operation and could not reattach to it within 3 s"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("the operation is abandoned and the server stops it"), std::string::npos) << message;
  EXPECT_NE(message.find("Check that the server runs and is reachable"), std::string::npos) << message;
  EXPECT_EQ(rows.status().reason(), Status::Reason::kUnreachable);
  EXPECT_GE(proxy_->connections_refused(), 2);
}

// A server known to be gone for good (a local server whose process died) is not waited for: the
// action fails on the first broken stream with the reason, long before the reattach timeout.
TEST_F(ReattachTest, AServerKnownToBeGoneFailsAtOnceWithTheReason) {
  bool cut = false;
  int asked = 0;
  auto spark = Connect(std::chrono::seconds(60), [&]() -> std::optional<std::string> {
    ++asked;
    if (!cut) return std::nullopt;
    return "the test's server has died";
  });
  ASSERT_NE(spark, nullptr);
  CutForGoodAtTheSecondReport(*spark, [&] { cut = true; });
  auto rows = spark->Sql(kNappingQuery).Collect();
  ASSERT_FALSE(rows.ok());
  const std::string& message = rows.status().message();
  EXPECT_NE(message.find("lost the connection to Spark Connect at " + ProxyUrl() +
                         " during an operation: the test's server has died; run again"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("could not reattach"), std::string::npos) << message;
  EXPECT_EQ(rows.status().reason(), Status::Reason::kUnreachable);
  EXPECT_EQ(asked, 1) << "asked once, on the first broken stream";
  EXPECT_LE(proxy_->connections_refused(), 1);
}

// The files that the tasks of a CSV write into `output` hold under its _temporary folder. A write
// that runs has some; a stopped one has none, since each killed task removes its attempt's files.
// Empty folders may stay: a task that starts just after the job's abort removed the folder makes its
// attempt's parents again, and its own abort removes only the attempt's folder.
std::vector<fs::path> FilesOfTheWriteInProgress(const fs::path& output) {
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::recursive_directory_iterator entry(output / "_temporary", error), end; !error && entry != end;
       entry.increment(error)) {
    if (entry->is_regular_file(error)) files.push_back(entry->path());
  }
  return files;
}

// Waits, at most 120 s, until the client `pid` is writing into `output` (its tasks hold files there);
// false if it never does or dies first.
bool WaitUntilWriting(pid_t pid, const fs::path& output) {
  for (int i = 0; i < 1200 && FilesOfTheWriteInProgress(output).empty() && IsProcessAlive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return !FilesOfTheWriteInProgress(output).empty();
}

// Waits, at most 90 s, until no task writes into `output` any more; the files still written then.
std::vector<fs::path> FilesStillWrittenAfterAWait(const fs::path& output) {
  std::vector<fs::path> files = FilesOfTheWriteInProgress(output);
  for (int i = 0; i < 900 && !files.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    files = FilesOfTheWriteInProgress(output);
  }
  return files;
}

// The server's side of an abandoned operation: a client SIGKILLed in the middle of a write that would
// run for hours. Its heartbeat stops, so its session expires (30 s after its last request on the
// servers sicoop starts, checked every 2 s) and Spark closes it with its operations: the job is
// cancelled and its tasks killed, their files removed, with no _SUCCESS. The 90 s bound only catches a
// server that never stops it; the time taken is printed.
TEST(AbandonedOperationTest, WriteOfAKilledClientIsStoppedByTheServer) {
  fs::path folder = testing::MakeTestFolder("sicoop-abandoned");
  fs::path output = folder / "out";
  ProcessSpec client;
  client.argv = {SICOOP_ABANDONED_WRITE_CLIENT, testing::SparkUrl(), output.string()};
  client.log_file = (folder / "client.log").string();
  auto pid = StartProcess(client);
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  bool writing = WaitUntilWriting(*pid, output);
  kill(*pid, SIGKILL);
  waitpid(*pid, nullptr, 0);
  ASSERT_TRUE(writing) << "the write never began: " << testing::ReadWholeFile(client.log_file);
  auto killed_at = std::chrono::steady_clock::now();
  std::vector<fs::path> still_written = FilesStillWrittenAfterAWait(output);
  auto stopped_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at);
  EXPECT_TRUE(still_written.empty()) << "the server still runs the abandoned write: " << still_written.front();
  EXPECT_FALSE(fs::exists(output / "_SUCCESS"));
  std::cout << "the server stopped the abandoned write " << stopped_after.count() << " ms after its client died\n";
  RecordProperty("stopped_after_ms", static_cast<int>(stopped_after.count()));
  fs::remove_all(folder);
}

// A client ended by a signal (SIGTERM here, Ctrl-C alike) releases its session on its way out, which
// stops the session's operations at once instead of leaving them to the session timeout: the session
// is closed, and its write cancelled. The signal comes once the write's tasks run: Spark stops an
// operation only by interrupting its thread, and in the first instants of a write on a local folder
// that thread may be in Hadoop's chmod, which swallows the interrupt (a warning "Shell: Interrupted
// while joining on" in the server's log); the write then runs to its end (ARCHITECTURE.md).
TEST(AbandonedOperationTest, WriteOfAClientEndedBySigtermIsReleasedOnItsWayOut) {
  fs::path folder = testing::MakeTestFolder("sicoop-sigterm");
  fs::path output = folder / "out";
  char session_id[64];
  std::snprintf(session_id, sizeof(session_id), "00000000-0000-4000-8000-%012x", static_cast<unsigned>(getpid()));
  const std::string url = testing::SparkUrl() + "/;session_id=" + session_id;
  ProcessSpec client;
  client.argv = {SICOOP_ABANDONED_WRITE_CLIENT, url, output.string()};
  client.log_file = (folder / "client.log").string();
  auto pid = StartProcess(client);
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  bool writing = WaitUntilWriting(*pid, output);
  kill(*pid, writing ? SIGTERM : SIGKILL);
  int status = 0;
  waitpid(*pid, &status, 0);
  ASSERT_TRUE(writing) << "the write never began: " << testing::ReadWholeFile(client.log_file);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "status " << status;
  auto endpoint = ParseConnectionString(url);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
  auto same_session = SparkSession::Connect(*endpoint);
  ASSERT_FALSE(same_session.ok()) << "the session of the ended client is still open";
  EXPECT_NE(same_session.status().message().find("INVALID_HANDLE.SESSION_CLOSED"), std::string::npos)
      << same_session.status().message();
  std::vector<fs::path> still_written = FilesStillWrittenAfterAWait(output);
  EXPECT_TRUE(still_written.empty()) << "the server still runs the released write: " << still_written.front();
  EXPECT_FALSE(fs::exists(output / "_SUCCESS"));
  fs::remove_all(folder);
}

// The other side of that session timeout: a live client that sends nothing for longer than it (35 s
// against 30 s) keeps its session, and the temp view in it, thanks to its heartbeat.
TEST(SessionHeartbeatTest, IdleLiveSessionOutlivesTheServersSessionTimeout) {
  auto endpoint = ParseConnectionString(testing::SparkUrl());
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
  auto spark = SparkSession::Connect(*endpoint);
  ASSERT_TRUE(spark.ok()) << spark.status().message();
  ASSERT_TRUE((*spark)->Sql("SELECT 42 AS answer").CreateOrReplaceTempView("kept").ok());
  std::this_thread::sleep_for(std::chrono::seconds(35));  // the idleness under test, not a wait for something
  auto rows = (*spark)->Sql("SELECT answer FROM kept").Collect();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->rows, (std::vector<Row>{{"42"}}));
}

}  // namespace
}  // namespace sicoop::spark
