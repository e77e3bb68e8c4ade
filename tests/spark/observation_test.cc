// Observed metrics against the real server of the spark_server fixture: Spark computes them in the
// job of the action and sends them with its results, for a query and for a write (a command, whose
// metrics come in a response of their own once the job has ended).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "spark/session.h"
#include "support/files.h"
#include "support/test_servers.h"

namespace sicoop::spark {
namespace {
namespace fs = std::filesystem;

class ObservationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto endpoint = ParseConnectionString(testing::SparkUrl());
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
    auto session = SparkSession::Connect(*endpoint);
    ASSERT_TRUE(session.ok()) << session.status().message();
    spark_ = std::move(*session);
    dir_ = testing::MakeTestFolder("sicoop-observation");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SparkSession> spark_;
  fs::path dir_;
};

// The counts etl checks the published file against: the rows of a write in 8 tasks, and a sum
// that shows each row was counted once.
TEST_F(ObservationTest, AWriteReportsTheMetricsOfTheRowsItWrote) {
  Observation written("written");
  EXPECT_FALSE(written.Get()) << "nothing before the action";
  Status saved = spark_->Sql("SELECT id FROM range(0, 100000, 1, 8)")
                     .Observe(written, {"count(1) AS rows", "sum(id) AS total", "max(concat('id ', id)) AS last"})
                     .Write()
                     .Format("csv")
                     .Mode("overwrite")
                     .Save((dir_ / "parts").string());
  ASSERT_TRUE(saved.ok()) << saved.message();
  ASSERT_TRUE(written.Get());
  EXPECT_EQ(*written.Get(), (std::map<std::string, std::string>{
                                {"rows", "100000"}, {"total", "4999950000"}, {"last", "id 99999"}}));
  int64_t lines = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "parts")) {
    if (entry.path().filename().string().rfind("part-", 0) != 0) continue;
    const std::string text = testing::ReadWholeFile(entry.path());
    lines += std::count(text.begin(), text.end(), '\n');
  }
  EXPECT_EQ(lines, 100000);
}

TEST_F(ObservationTest, ACollectReportsThemToo) {
  Observation seen("seen");
  auto rows = spark_->Sql("SELECT id FROM range(0, 10)").Observe(seen, {"count(1) AS rows"}).Collect();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->rows.size(), 10u);
  ASSERT_TRUE(seen.Get());
  EXPECT_EQ(seen.Get()->at("rows"), "10");
}

TEST_F(ObservationTest, AMetricOfATypeNotReadIsRefusedNamingIt) {
  Observation odd("odd");
  auto rows = spark_->Sql("SELECT id FROM range(0, 10)").Observe(odd, {"avg(id) AS mean"}).Collect();
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("'mean'"), std::string::npos) << rows.status().message();
}

}  // namespace
}  // namespace sicoop::spark
