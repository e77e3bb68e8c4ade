// The Spark Connect client against the real server of the spark_server fixture.
#include "spark/session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/flat_view.h"
#include "support/files.h"
#include "support/ports.h"
#include "support/test_servers.h"

namespace sicoop::spark {
namespace {

namespace fs = std::filesystem;
using Cell = std::optional<std::string>;

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto endpoint = ParseConnectionString(testing::SparkUrl());
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
    auto session = SparkSession::Connect(*endpoint);
    ASSERT_TRUE(session.ok()) << session.status().message();
    spark_ = std::move(*session);
  }

  Rows Collect(const std::string& query) {
    auto rows = spark_->Sql(query).Collect();
    EXPECT_TRUE(rows.ok()) << query << ": " << rows.status().message();
    return rows.ok() ? *rows : Rows{};
  }

  std::unique_ptr<SparkSession> spark_;
};

TEST_F(SessionTest, VersionIsSpark4) {
  auto version = spark_->Version();
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(version->rfind("4.", 0), 0u) << *version;
}

TEST_F(SessionTest, CollectGivesTheRealValues) {
  Rows rows = Collect(
      "SELECT * FROM VALUES "
      "(1, CAST(-50.00 AS DECIMAL(12,2)), 'Conceição 😀', TIMESTAMP_NTZ'2024-02-29 23:59:59', DATE'2024-02-29', true),"
      "(2147483647, CAST(99999999.99 AS DECIMAL(12,2)), '  a,\"b\" ', NULL, NULL, NULL),"
      "(NULL, CAST(0.01 AS DECIMAL(12,2)), NULL, TIMESTAMP_NTZ'1969-12-31 00:00:00', DATE'1900-01-01', false) "
      "AS t(id, amount, name, at, day, ok) ORDER BY amount");
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"id", "amount", "name", "at", "day", "ok"}));
  ASSERT_EQ(rows.rows.size(), 3u);
  EXPECT_EQ(rows.rows[0], (Row{"1", "-50.00", "Conceição 😀", "2024-02-29 23:59:59", "2024-02-29", "true"}));
  EXPECT_EQ(rows.rows[1], (Row{Cell(), "0.01", Cell(), "1969-12-31 00:00:00", "1900-01-01", "false"}));
  EXPECT_EQ(rows.rows[2], (Row{"2147483647", "99999999.99", "  a,\"b\" ", Cell(), Cell(), Cell()}));
}

// The flat view's masking expression run by Spark itself on numbers whose masked form is written out
// here by hand (docs/output-contract.md: all but the last four digits as '*').
TEST_F(SessionTest, CardNumberMaskKeepsTheLastFourDigits) {
  Rows rows = Collect("SELECT n, " + pipeline::MaskedCardNumberSql("n") +
                      " AS masked FROM VALUES ('4111111111111111', 1), ('5500000000000004', 2), "
                      "('123456789012345', 3), ('12345', 4), ('1234', 5), ('12', 6), ('', 7), (NULL, 8) "
                      "AS t(n, k) ORDER BY k");
  ASSERT_EQ(rows.rows.size(), 8u);
  const std::vector<Cell> expected = {"************1111", "************0004", "***********2345", "*2345",
                                      "1234",             "12",               "",                Cell()};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rows.rows[i][1], expected[i]) << "card number " << rows.rows[i][0].value_or("NULL");
  }
}

TEST_F(SessionTest, LargeResultsComeInManyBatches) {
  Rows rows = Collect("SELECT id, repeat('x', 100) AS pad FROM range(0, 200000, 1, 4) ORDER BY id");
  ASSERT_EQ(rows.rows.size(), 200000u);
  EXPECT_EQ(rows.rows[199999][0], "199999");
}

TEST_F(SessionTest, ForEachBatchHandsAnOrderedResultOverWholeAndInOrder) {
  int64_t next = 0;
  int batches = 0;
  bool in_order = true;
  Status streamed = spark_->Sql("SELECT id, repeat('x', 100) AS pad FROM range(0, 200000, 1, 4) ORDER BY id DESC")
                        .ForEachBatch([&](Rows&& rows) {
                          EXPECT_EQ(rows.columns, (std::vector<std::string>{"id", "pad"}));
                          for (const Row& row : rows.rows) {
                            in_order = in_order && row[0] == std::to_string(199999 - next);
                            ++next;
                          }
                          ++batches;
                          return Status::Ok();
                        });
  ASSERT_TRUE(streamed.ok()) << streamed.message();
  EXPECT_EQ(next, 200000);
  EXPECT_TRUE(in_order);
  EXPECT_GT(batches, 1);  // streamed, not handed over whole
}

// A result of 10^11 rows would take hours: the consumer's error after the first batch must cancel
// the stream and release the operation (else ForEachBatch would wait for the job's end and the test
// would hit its CTest timeout), and the session goes on.
TEST_F(SessionTest, ForEachBatchStopsAtTheConsumersError) {
  int batches = 0;
  Status streamed = spark_->Sql("SELECT id FROM range(0, 100000000000, 1, 100000)").ForEachBatch([&](Rows&& rows) {
    ++batches;
    return rows.rows.empty() ? Status::Ok() : Status::Failure("the consumer had enough");
  });
  EXPECT_EQ(streamed.message(), "the consumer had enough");
  EXPECT_GE(batches, 1);
  EXPECT_EQ(Collect("SELECT 41 + 1").rows, (std::vector<Row>{{"42"}}));
}

TEST_F(SessionTest, EmptyResultKeepsItsColumns) {
  Rows rows = Collect("SELECT id AS nothing FROM range(3) WHERE id < 0");
  EXPECT_EQ(rows.columns, std::vector<std::string>{"nothing"});
  EXPECT_TRUE(rows.rows.empty());
}

TEST_F(SessionTest, CountCountsRows) {
  auto count = spark_->Sql("SELECT * FROM range(0, 12345, 1, 3)").Count();
  ASSERT_TRUE(count.ok()) << count.status().message();
  EXPECT_EQ(*count, 12345);
}

TEST_F(SessionTest, BadQueryGivesSparksErrorClassAndNoStackTrace) {
  auto rows = spark_->Sql("SELECT * FROM no_such_table_here").Collect();
  ASSERT_FALSE(rows.ok());
  const std::string& message = rows.status().message();
  EXPECT_EQ(message.rfind("Spark: [TABLE_OR_VIEW_NOT_FOUND]", 0), 0u) << message;
  EXPECT_NE(message.find("`no_such_table_here`"), std::string::npos) << message;
  EXPECT_EQ(message.find("\tat "), std::string::npos) << message;
  EXPECT_EQ(message.find("UnresolvedRelation"), std::string::npos) << message;
  EXPECT_LE(std::count(message.begin(), message.end(), '\n'), 6) << message;
}

TEST_F(SessionTest, RuntimeErrorsComeThroughToo) {
  auto rows = spark_->Sql("SELECT 1 / id FROM range(0, 2, 1, 1)").Collect();
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("[DIVIDE_BY_ZERO]"), std::string::npos) << rows.status().message();
}

TEST_F(SessionTest, TempViewRoundTrip) {
  ASSERT_TRUE(spark_->Sql("SELECT id, id * 2 AS twice FROM range(5)").CreateOrReplaceTempView("doubled").ok());
  EXPECT_EQ(Collect("SELECT sum(twice) FROM doubled").rows, (std::vector<Row>{{"20"}}));
  // Replacing keeps the name and changes the content.
  ASSERT_TRUE(spark_->Sql("SELECT 7 AS twice").CreateOrReplaceTempView("doubled").ok());
  EXPECT_EQ(Collect("SELECT sum(twice) FROM doubled").rows, (std::vector<Row>{{"7"}}));
}

TEST_F(SessionTest, TempViewOfABadPlanFailsAtOnce) {
  Status status = spark_->Sql("SELECT missing_column FROM range(1)").CreateOrReplaceTempView("broken");
  EXPECT_NE(status.message().find("[UNRESOLVED_COLUMN"), std::string::npos) << status.message();
}

TEST_F(SessionTest, TempViewsBelongToTheirSession) {
  ASSERT_TRUE(spark_->Sql("SELECT 1 AS one").CreateOrReplaceTempView("mine").ok());
  auto other = SparkSession::Connect(spark_->endpoint());
  ASSERT_TRUE(other.ok()) << other.status().message();
  EXPECT_NE((*other)->Sql("SELECT * FROM mine").Collect().status().message().find("TABLE_OR_VIEW_NOT_FOUND"),
            std::string::npos);
  EXPECT_NE((*other)->session_id(), spark_->session_id());
}

TEST_F(SessionTest, WriteCsvThenReadItBack) {
  fs::path dir = fs::temp_directory_path() / ("sicoop-spark-write-" + std::to_string(getpid()));
  fs::remove_all(dir);
  Status written = spark_->Sql("SELECT id, concat('nome ', id) AS nome FROM range(0, 10, 1, 2)")
                       .Write()
                       .Format("csv")
                       .Mode("overwrite")
                       .Option("header", "true")
                       .Save(dir.string());
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_TRUE(fs::exists(dir / "_SUCCESS"));
  int part_files = 0;
  std::string content;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("part-", 0) != 0) continue;
    ++part_files;
    content += testing::ReadWholeFile(entry.path());
  }
  EXPECT_EQ(part_files, 2);
  EXPECT_NE(content.find("id,nome\n"), std::string::npos) << content;
  EXPECT_NE(content.find("9,nome 9\n"), std::string::npos) << content;

  auto count = spark_->Read().Format("csv").Option("header", "true").Load({dir.string()}).Count();
  ASSERT_TRUE(count.ok()) << count.status().message();
  EXPECT_EQ(*count, 10);

  // The default save mode refuses to overwrite.
  Status again = spark_->Sql("SELECT 1").Write().Format("csv").Save(dir.string());
  EXPECT_NE(again.message().find("PATH_ALREADY_EXISTS"), std::string::npos) << again.message();
  EXPECT_FALSE(spark_->Sql("SELECT 1").Write().Mode("sideways").Save(dir.string()).ok());
  fs::remove_all(dir);
}

// A plan that keeps both task slots busy for a while (400 million pairs compared, a second or more
// on this machine) reports its stages and their tasks while it runs. The session asks for a report
// every 100 ms instead of Spark's 2 s, so several arrive whatever the machine's speed.
TEST_F(SessionTest, ProgressIsReportedWhileAPlanRuns) {
  ASSERT_TRUE(spark_->SetConf({{"spark.connect.progress.reportInterval", "100ms"}}).ok());
  std::vector<ExecutionProgress> reports;  // the handler runs on this thread, inside Collect
  spark_->SetProgressHandler([&](const ExecutionProgress& progress) { reports.push_back(progress); });
  // Pairs (a, b) of [0, 20000)^2 with (a + b) % 7 == 3, counted by hand: 57142857.
  Rows rows = Collect(
      "SELECT COUNT(*) AS pairs FROM range(0, 20000, 1, 2) a CROSS JOIN range(0, 20000, 1, 2) b "
      "WHERE (a.id + b.id) % 7 = 3");
  EXPECT_EQ(rows.rows, (std::vector<Row>{{"57142857"}}));
  bool seen_task = false;
  for (const auto& report : reports) {
    for (const auto& stage : report.stages) seen_task = seen_task || stage.num_tasks > 0;
  }
  EXPECT_TRUE(seen_task) << reports.size() << " reports, none with a stage and its tasks";
}

TEST_F(SessionTest, SetConfChangesTheSession) {
  ASSERT_TRUE(spark_->SetConf({{"spark.sql.shuffle.partitions", "7"}}).ok());
  EXPECT_EQ(Collect("SET spark.sql.shuffle.partitions").rows, (std::vector<Row>{{"spark.sql.shuffle.partitions", "7"}}));
  Status bad = spark_->SetConf({{"spark.sql.shuffle.partitions", "many"}});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("spark.sql.shuffle.partitions"), std::string::npos) << bad.message();
}

TEST_F(SessionTest, ClosedSessionIsReleased) {
  ASSERT_TRUE(spark_->Close().ok());
  EXPECT_TRUE(spark_->Close().ok());  // idempotent
}

// An endpoint that takes the connection and never answers: Connect gives up at the timeout it was
// given (which the message states) instead of waiting forever — a hang is caught by the test's CTest
// timeout, not by a clock here.
TEST(UnreachableSparkTest, SilentEndpointFailsAtTheGivenTimeoutNamingIt) {
  testing::HeldPort silent(testing::HeldPort::Kind::kSilent);
  ASSERT_NE(silent.port(), 0);
  const std::string url = "sc://127.0.0.1:" + std::to_string(silent.port());
  auto endpoint = ParseConnectionString(url);
  ASSERT_TRUE(endpoint.ok());
  SessionOptions options;
  options.connect_timeout = std::chrono::seconds(3);
  auto session = SparkSession::Connect(*endpoint, options);
  ASSERT_FALSE(session.ok());
  const std::string& message = session.status().message();
  EXPECT_NE(message.find("cannot reach Spark Connect at " + url + ": "), std::string::npos) << message;
  EXPECT_NE(message.find("did not complete a gRPC (HTTP/2) handshake within 3 s"), std::string::npos) << message;
}

TEST(UnreachableSparkTest, TokenNeverAppearsInTheMessage) {
  testing::HeldPort closed(testing::HeldPort::Kind::kRefusing);
  ASSERT_NE(closed.port(), 0);
  auto endpoint = ParseConnectionString("sc://127.0.0.1:" + std::to_string(closed.port()) + "/;token=hunter2");
  ASSERT_TRUE(endpoint.ok());
  SessionOptions options;
  options.connect_timeout = std::chrono::seconds(2);
  auto session = SparkSession::Connect(*endpoint, options);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().message().find("hunter2"), std::string::npos) << session.status().message();
  EXPECT_NE(session.status().message().find("token=***"), std::string::npos) << session.status().message();
}

}  // namespace
}  // namespace sicoop::spark
