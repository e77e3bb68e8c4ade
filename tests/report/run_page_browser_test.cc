// A lake run's page (report/run_page.h) from hand-built records, in a real browser
// (support/browser.h): the figures of the manifest, the reconciliation, the join's drops, a chart
// with one bar per day, a failed run's error escaped, and a run without an ingest that has no chart
// and says so. Set SICOOP_SCREENSHOT_DIR to keep the screenshot (docs/images/run-report.png).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "report/run_page.h"
#include "support/browser.h"
#include "support/files.h"

namespace sicoop::report {
namespace {

namespace fs = std::filesystem;
using testing::BarsInChart;

lake::RunRecord Record() {
  lake::RunRecord record;
  record.run_id = "5f0c9a1e2b3d4c5e6f708192a3b4c5d6";
  record.command = "etl --lake";
  record.started_at = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + std::chrono::hours{3};
  record.lake = "/srv/sicoop/lake";
  record.source = "postgresql://sicoop@db.cooperativa.local:5432/sicoop";
  lake::IngestSummary ingest;
  auto table = [](int64_t rows, bool merged) {
    lake::TableIngest ingested;
    ingested.source_rows = ingested.rows_in_lake = rows;
    (merged ? ingested.rows_inserted : ingested.rows_added) = rows;
    return ingested;
  };
  ingest.tables = {{"associado", table(1200, true)}, {"conta", table(1500, true)}, {"cartao", table(2100, true)},
                   {"movimento", table(45000, false)}};
  ingest.watermark_after = 45000;
  record.ingest = ingest;
  lake::BuildSummary build;
  build.mode = "rebuilt";
  build.raw_movimentos = 45000;
  build.rows = 44988;
  build.dropped_no_cartao = 12;
  build.raw_amount = "6543210.99";
  build.amount = "6541987.09";
  record.build = build;
  lake::GoldSummary gold;
  gold.tables["associado_mes"] = {.mode = "months recomputed", .months = {"2025-11", "2025-12"}, .rows = 7342,
                                  .snapshot_id = "41"};
  gold.tables["features_cartao"] = {.mode = "rebuilt", .months = {}, .rows = 2100, .snapshot_id = "42"};
  record.gold = gold;
  record.exported = lake::ExportRecord{"/srv/sicoop/out/movimento_flat.csv", 44988};
  record.seconds = {{"start", 4.2}, {"ingest", 31.7}, {"build", 12.05}, {"export", 8.4}};
  return record;
}

RunDays NinetyDays() {
  RunDays per_day;
  per_day.days.emplace();
  for (int day = 0; day < 90; ++day) {
    char date[16];
    std::snprintf(date, sizeof(date), "2025-%02d-%02d", 10 + day / 30, 1 + day % 30);
    per_day.days->push_back({date, 300 + (day * 37) % 400});
  }
  return per_day;
}

class RunPageBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override { folder_ = testing::MakeTestFolder("sicoop-run-page"); }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path Write(const lake::RunRecord& record, const RunDays& per_day) {
    const fs::path file = folder_ / "run.html";
    std::ofstream(file, std::ios::binary) << RunPageHtml(record, per_day);
    return file;
  }

  testing::BrowserRun Load(const fs::path& file) {
    testing::BrowserRun run = testing::LoadInBrowser(file);
    EXPECT_EQ(run.error, "") << run.log.substr(0, 4000);
    EXPECT_TRUE(run.console.empty()) << run.console.front();
    EXPECT_TRUE(run.requests.empty()) << run.requests.front();
    return run;
  }

  fs::path folder_;
};

TEST_F(RunPageBrowserTest, ShowsTheCountsTheReconciliationTheDropsAndABarPerDay) {
  const testing::BrowserRun run = Load(Write(Record(), NinetyDays()));
  EXPECT_EQ(BarsInChart(run.dom, "movimentos-por-dia"), 90);
  EXPECT_NE(run.dom.find(">Concluída<"), std::string::npos);
  EXPECT_NE(run.dom.find("<td>movimento</td><td class=\"num\">45.000</td><td class=\"num\">45.000</td>"),
            std::string::npos);
  EXPECT_NE(run.dom.find("<td>movimentos</td><td class=\"num\">45.000</td><td class=\"num\">44.988</td>"
                         "<td class=\"num\">12</td>"),
            std::string::npos);
  EXPECT_NE(run.dom.find("<td class=\"num\">R$ 6.543.210,99</td><td class=\"num\">R$ 6.541.987,09</td>"
                         "<td class=\"num\">R$ 1.223,90</td>"),
            std::string::npos);
  EXPECT_NE(run.dom.find("<td>cartão inexistente</td><td class=\"num\">12</td>"), std::string::npos);
  EXPECT_NE(run.dom.find("Conferem:"), std::string::npos);
  EXPECT_NE(run.dom.find("<td>ingest</td><td class=\"num\">31,7 s</td>"), std::string::npos);
  EXPECT_NE(run.dom.find("56,4 s"), std::string::npos);  // the total
  EXPECT_NE(run.dom.find("02/01/2026 03:00:00 UTC"), std::string::npos);
  EXPECT_EQ(run.dom.find("Falhou"), std::string::npos);
  EXPECT_NE(run.dom.find("<td>gold.associado_mes</td><td>months recomputed</td><td>nov/2025, dez/2025</td>"
                         "<td class=\"num\">7.342</td>"),
            std::string::npos);
  EXPECT_NE(run.dom.find("<td>gold.features_cartao</td><td>rebuilt</td><td>—</td><td class=\"num\">2.100</td>"),
            std::string::npos);
}

TEST_F(RunPageBrowserTest, AFailedRunShowsItsErrorAsText) {
  lake::RunRecord record = Record();
  record.build.reset();
  record.exported.reset();
  record.error = "Spark said <script>console.error('x')</script> & \"stopped\"";
  const testing::BrowserRun run = Load(Write(record, NinetyDays()));
  EXPECT_NE(run.dom.find(">Falhou<"), std::string::npos);
  EXPECT_NE(run.dom.find("Spark said &lt;script&gt;console.error('x')&lt;/script&gt; &amp; \"stopped\""),
            std::string::npos);
  EXPECT_EQ(run.dom.find("<script"), std::string::npos);
  EXPECT_NE(run.dom.find("Sem construção nesta execução."), std::string::npos);
  EXPECT_EQ(BarsInChart(run.dom, "movimentos-por-dia"), 90);
}

TEST_F(RunPageBrowserTest, ARunWithoutIngestHasNoChartAndSaysSo) {
  lake::RunRecord record = Record();
  record.ingest.reset();
  const testing::BrowserRun run = Load(Write(record, RunDays{}));
  EXPECT_EQ(BarsInChart(run.dom, "movimentos-por-dia"), -1);
  EXPECT_NE(run.dom.find("Esta execução não fez ingestão"), std::string::npos);
}

TEST_F(RunPageBrowserTest, DaysThatCouldNotBeCountedAreSaidWithTheReason) {
  const testing::BrowserRun run = Load(Write(Record(), RunDays{std::nullopt, "Spark <is> gone"}));
  EXPECT_EQ(BarsInChart(run.dom, "movimentos-por-dia"), -1);
  EXPECT_NE(run.dom.find("Não foi possível contar os movimentos por dia: Spark &lt;is&gt; gone"), std::string::npos);
}

TEST_F(RunPageBrowserTest, TheScreenshotIsDrawnAndNotBlank) {
  const fs::path png = folder_ / "run-report.png";
  const testing::BrowserRun run = testing::ScreenshotInBrowser(Write(Record(), NinetyDays()), png, 860, 1400);
  ASSERT_EQ(run.error, "") << run.log.substr(0, 4000);
  EXPECT_TRUE(run.console.empty()) << run.console.front();
  std::string error;
  const std::optional<testing::PngImage> image = testing::ReadPng(png, error);
  ASSERT_TRUE(image) << error;
  EXPECT_EQ(image->width, 860);
  EXPECT_EQ(image->height, 1400);
  EXPECT_GE(image->distinct_colours, 8);
  if (const char* keep = std::getenv("SICOOP_SCREENSHOT_DIR")) {
    fs::copy_file(png, fs::path(keep) / "run-report.png", fs::copy_options::overwrite_existing);
  }
}

TEST(RunPageNameTest, ThePageIsNamedAfterItsManifest) {
  EXPECT_EQ(RunPageName("_sicoop/runs/20260102T030000Z-abc.json"), "_sicoop/runs/20260102T030000Z-abc.html");
}

}  // namespace
}  // namespace sicoop::report
