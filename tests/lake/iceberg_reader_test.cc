// The independent Iceberg reader of the lake tests (support/read_iceberg.h) against a table that the
// fixture's Spark server writes through sicoop's Spark client into a warehouse folder of the test's
// own: what the reader prints must be what was written, value for value, from the table's latest
// snapshot.
#include "support/read_iceberg.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "spark/session.h"
#include "support/files.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCatalog = "reader_test";

class IcebergReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    warehouse_ = MakeTestFolder("iceberg-reader") / "warehouse";
    auto endpoint = spark::ParseConnectionString(SparkUrl());
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
    spark::SessionOptions options;
    const std::string catalog = std::string("spark.sql.catalog.") + kCatalog;
    options.conf = {{catalog, "org.apache.iceberg.spark.SparkCatalog"},
                    {catalog + ".type", "hadoop"},
                    {catalog + ".warehouse", warehouse_.string()}};
    auto session = spark::SparkSession::Connect(*endpoint, options);
    ASSERT_TRUE(session.ok()) << session.status().message();
    spark_ = std::move(*session);
  }

  void TearDown() override {
    if (spark_) {
      EXPECT_TRUE(spark_->Close().ok());
    }
    fs::remove_all(warehouse_.parent_path());
  }

  void Run(const std::string& statement) {
    auto done = spark_->Sql(statement).Collect();
    ASSERT_TRUE(done.ok()) << statement << ": " << done.status().message();
  }

  // Four rows over three month partitions (February, March, and NULL), in two commits: the reader
  // must follow version-hint.text to the latest metadata to see all four.
  void WriteTable() {
    Run(std::string("CREATE NAMESPACE ") + kCatalog + ".ns");
    Run(std::string("CREATE TABLE ") + kCatalog +
        ".ns.t (id BIGINT, amount DECIMAL(12,2), name STRING, ts TIMESTAMP_NTZ) USING iceberg "
        "PARTITIONED BY (months(ts))");
    Run(std::string("INSERT INTO ") + kCatalog +
        ".ns.t VALUES (1, -50.00, 'Conceição 😀', TIMESTAMP_NTZ'2024-02-29 23:59:59'), "
        "(2, 1234567890.12, 'plain', TIMESTAMP_NTZ'2024-03-01 00:00:00.123456')");
    Run(std::string("INSERT INTO ") + kCatalog +
        ".ns.t VALUES (3, 0.05, NULL, TIMESTAMP_NTZ'2024-03-15 08:30:00.5'), "
        "(9007199254740993, NULL, 'a,\"b\"', NULL)");
  }

  fs::path warehouse_;
  std::unique_ptr<spark::SparkSession> spark_;
};

TEST_F(IcebergReaderTest, PrintsEveryRowOfTheLatestSnapshotAsWritten) {
  ASSERT_NO_FATAL_FAILURE(WriteTable());
  // 9007199254740993 = 2^53 + 1: a BIGINT that a double would round; ".5" as Spark casts it.
  EXPECT_EQ(ReadIcebergTable(warehouse_, "ns", "t", {}, {"id"}),
            "id,amount,name,ts\n"
            "1,-50.00,Conceição 😀,2024-02-29 23:59:59\n"
            "2,1234567890.12,plain,2024-03-01 00:00:00.123456\n"
            "3,0.05,,2024-03-15 08:30:00.5\n"
            "9007199254740993,,\"a,\"\"b\"\"\",\n");
  // Columns chosen and ordered by one not printed; NULL sorts last.
  EXPECT_EQ(ReadIcebergTable(warehouse_, "ns", "t", {"ts", "id"}, {"amount"}),
            "ts,id\n"
            "2024-02-29 23:59:59,1\n"
            "2024-03-15 08:30:00.5,3\n"
            "2024-03-01 00:00:00.123456,2\n"
            ",9007199254740993\n");
}

TEST_F(IcebergReaderTest, AMissingTableIsAnErrorThatNamesIt) {
  fs::create_directories(warehouse_);
  RunResult run = RunCommand({SICOOP_PYTHON, SICOOP_READ_ICEBERG_SCRIPT, warehouse_.string(), "ns", "absent"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("no Iceberg table ns.absent in " + warehouse_.string()), std::string::npos) << run.output;
}

}  // namespace
}  // namespace sicoop::testing
