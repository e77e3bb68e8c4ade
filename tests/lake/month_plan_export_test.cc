// The export's month plan (lake/csv_export.h: curated read month by month, each month one Spark
// partition, no shuffle) against its global sort, on a real lake: `sicoop etl --lake` builds it from
// a seeded source and writes the file with the global sort (the lake is under the plan's 1M rows);
// ExportCsv, told to use the months from 0 rows, must write the same bytes. The source holds the
// edges of the ranges: a movimento at a month's first instant, one in its last millisecond's second,
// ties within a second, and months far before and after the seeded ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "lake/catalog.h"
#include "lake/csv_export.h"
#include "pipeline/csv_destination.h"
#include "pipeline/folder_lock.h"
#include "spark/connection_string.h"
#include "spark/session.h"
#include "support/files.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

TEST(MonthPlanExportTest, ReadingCuratedMonthByMonthGivesTheGlobalSortsFileByteForByte) {
  FreshDatabase source = MakeSeededDatabase("postgres", 3000, 31);
  ASSERT_TRUE(source.connection);
  for (const char* time : {"1999-12-31 23:59:59", "2024-03-01 00:00:00", "2024-02-29 23:59:59", "2024-02-29 23:59:59",
                           "2024-03-01 00:00:00", "2099-01-01 00:00:00"}) {
    Status inserted = source.connection->Execute(
        "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) SELECT MAX(id) + 1, "
        "1.50, 'edge " + std::string(time) + "', TIMESTAMP '" + time + "', (SELECT MIN(id) FROM cartao) FROM movimento");
    ASSERT_TRUE(inserted.ok()) << inserted.message();
  }
  const fs::path root = MakeTestFolder("sicoop-month-plan");
  const fs::path lake = root / "lake";
  ASSERT_TRUE(WriteTokenKeyFile(root / "token.key"));
  RunResult built = RunSicoop({"etl", "--db", source.url, "--output", (root / "global").string(), "--lake",
                               lake.string(), "--token-key-file", (root / "token.key").string(), "--spark", SparkUrl()});
  ASSERT_EQ(built.exit_code, 0) << built.output;

  auto endpoint = spark::ParseConnectionString(SparkUrl());
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
  auto session = spark::SparkSession::Connect(*endpoint);
  ASSERT_TRUE(session.ok()) << session.status().message();
  Status opened = lake::OpenLakeToRead(**session, lake.string());
  ASSERT_TRUE(opened.ok()) << opened.message();
  // Enough months for ranges that start, end and merge nowhere near one another.
  auto months = (*session)->Sql("SELECT CAST(count(*) AS STRING) FROM " + lake::CuratedFlatTable() + ".partitions")
                    .Collect();
  ASSERT_TRUE(months.ok()) << months.status().message();
  ASSERT_EQ(months->rows.size(), 1u);
  EXPECT_GE(std::stoi(months->rows[0][0].value_or("0")), 12);

  fs::create_directories(root / "months");
  auto lock = pipeline::LockOutputDir(root / "months");
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  std::unique_ptr<pipeline::CsvDestination> destination = pipeline::LocalCsvDestination(std::move(*lock));
  lake::ExportOptions options;
  options.min_rows_for_month_ranges = 0;
  auto written = lake::ExportCsv(**session, *destination, options);
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(written->rows, 3006);
  const std::string by_month = ReadWholeFile(root / "months" / "movimento_flat.csv");
  EXPECT_FALSE(by_month.empty());
  EXPECT_TRUE(by_month == ReadWholeFile(root / "global" / "movimento_flat.csv"))
      << "the month plan's file differs from the global sort's";
  (void)(*session)->Close();
  fs::remove_all(root);
}

}  // namespace
}  // namespace sicoop::testing
