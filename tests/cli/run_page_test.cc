// The page each lake run writes beside its manifest (docs/reports.md), through real runs against
// the harness PostgreSQL and the fixture's Spark server, opened in a real browser
// (support/browser.h): `lake ingest`'s page charts the movimentos it ingested per day as the source
// counts them, and `lake build`'s, which ingested nothing, says so and reconciles raw and curated;
// a member's report written from that lake renders with its charts as well.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "lake/card_token.h"
#include "support/browser.h"
#include "support/files.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMovimentos = 400;

class RunPageTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  fs::path root_;
};

// The files of `folder`, in name order.
std::vector<std::string> NamesIn(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// Count of `what` in `text`.
int Occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST_F(RunPageTest, EachRunWritesItsPageBesideItsManifestWithTheRunsFigures) {
  FreshDatabase source = MakeSeededDatabase("postgres", kMovimentos, 23);
  ASSERT_TRUE(source.connection);
  root_ = MakeTestFolder("sicoop-run-page");
  const fs::path lake = root_ / "lake", key = root_ / "token.key";
  Status key_written = lake::CardTokenKey::CreateFile(key);
  ASSERT_TRUE(key_written.ok()) << key_written.message();

  SplitRunResult ingest = RunSicoopSplit({"lake", "ingest", "--db", source.url, "--lake", lake.string(),
                                          "--token-key-file", key.string(), "--spark", SparkUrl()},
                                         {}, std::chrono::seconds(300));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err << ingest.out;
  SplitRunResult build = RunSicoopSplit({"lake", "build", "--lake", lake.string(), "--spark", SparkUrl()}, {},
                                        std::chrono::seconds(300));
  ASSERT_EQ(build.exit_code, 0) << build.err << build.out;

  // Two runs: each a manifest and a page of the same name.
  const std::vector<std::string> names = NamesIn(lake / "_sicoop" / "runs");
  ASSERT_EQ(names.size(), 4u);
  for (size_t run = 0; run < 2; ++run) {
    const std::string stem = fs::path(names[2 * run]).stem();
    EXPECT_EQ(names[2 * run], stem + ".html");
    EXPECT_EQ(names[2 * run + 1], stem + ".json");
  }
  const fs::path ingest_page = lake / "_sicoop" / "runs" / names[0];
  const fs::path build_page = lake / "_sicoop" / "runs" / names[2];
  EXPECT_NE(ingest.out.find("; page " + ingest_page.string() + "\n"), std::string::npos) << ingest.out;

  // The ingest's page: 400 movimentos read and added, a bar per day of the source's movimentos
  // with the source's count of that day.
  const BrowserRun ingested = LoadInBrowser(ingest_page);
  ASSERT_EQ(ingested.error, "") << ingested.log.substr(0, 4000);
  EXPECT_TRUE(ingested.console.empty()) << ingested.console.front();
  EXPECT_TRUE(ingested.requests.empty()) << ingested.requests.front();
  EXPECT_NE(ingested.dom.find("<td>movimento</td><td class=\"num\">400</td><td class=\"num\">400</td>"),
            std::string::npos);
  auto days = source.connection->Query(
      "SELECT to_char(data_movimento, 'DD/MM/YYYY'), COUNT(*) FROM movimento GROUP BY 1 ORDER BY 1");
  ASSERT_TRUE(days.ok()) << days.status().message();
  ASSERT_GT(days->size(), 1u);
  EXPECT_EQ(BarsInChart(ingested.dom, "movimentos-por-dia"), static_cast<int>(days->size()));
  for (const auto& day : *days) {
    const std::string bar = "<title>" + day[0].value_or("") + ": " + day[1].value_or("") + "</title>";
    EXPECT_NE(ingested.dom.find(bar), std::string::npos) << bar;
  }

  // The build's page: no ingest, so no chart; raw and curated reconciled.
  const BrowserRun built = LoadInBrowser(build_page);
  ASSERT_EQ(built.error, "") << built.log.substr(0, 4000);
  EXPECT_TRUE(built.console.empty()) << built.console.front();
  EXPECT_EQ(BarsInChart(built.dom, "movimentos-por-dia"), -1);
  EXPECT_NE(built.dom.find("Esta execução não fez ingestão"), std::string::npos);
  EXPECT_NE(built.dom.find("<td>movimentos</td><td class=\"num\">400</td><td class=\"num\">400</td>"),
            std::string::npos);
  EXPECT_NE(built.dom.find("Conferem:"), std::string::npos);
  EXPECT_NE(built.dom.find("<td>gold.associado_mes</td><td>rebuilt</td>"), std::string::npos);

  // And a member's report from that lake (`report member`) renders too: a bar per month in which the
  // member's accounts have movimentos, categories drawn, a refund row per refund, as the source has them.
  auto member = source.connection->Query(
      "SELECT ct.id_associado, COUNT(DISTINCT to_char(m.data_movimento, 'YYYY-MM')), "
      "SUM(CASE WHEN m.vlr_transacao < 0 THEN 1 ELSE 0 END) FROM movimento m JOIN cartao c ON c.id = m.id_cartao "
      "JOIN conta ct ON ct.id = c.id_conta GROUP BY ct.id_associado ORDER BY COUNT(*) DESC, ct.id_associado LIMIT 1");
  ASSERT_TRUE(member.ok() && member->size() == 1) << (member.ok() ? "no member" : member.status().message());
  const std::string id = (*member)[0][0].value_or(""), months = (*member)[0][1].value_or("");
  const fs::path reports = root_ / "reports";
  SplitRunResult report = RunSicoopSplit({"report", "member", "--lake", lake.string(), "--associado", id, "--from",
                                          "2024-01", "--to", "2024-12", "-o", reports.string(), "--spark", SparkUrl()},
                                         {}, std::chrono::seconds(300));
  ASSERT_EQ(report.exit_code, 0) << report.err << report.out;
  const BrowserRun page = LoadInBrowser(reports / ("associado-" + id + "-2024-01_2024-12.html"));
  ASSERT_EQ(page.error, "") << page.log.substr(0, 4000);
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  EXPECT_TRUE(page.requests.empty()) << page.requests.front();
  EXPECT_EQ(std::to_string(BarsInChart(page.dom, "gasto-por-mes")), months);
  EXPECT_GT(BarsInChart(page.dom, "gasto-por-categoria"), 0);
  EXPECT_EQ(std::to_string(Occurrences(page.dom, "<tr class=\"refund\">")), (*member)[0][2].value_or(""));
}

// A run that fails once it holds the lake (a build with no raw table to build from) still gets its
// page beside its manifest, saying it failed and why.
TEST_F(RunPageTest, AFailedRunGetsItsPageWithItsError) {
  root_ = MakeTestFolder("sicoop-run-page-failed");
  const fs::path lake = root_ / "lake";
  SplitRunResult build = RunSicoopSplit({"lake", "build", "--lake", lake.string(), "--spark", SparkUrl()}, {},
                                        std::chrono::seconds(300));
  ASSERT_EQ(build.exit_code, 1) << build.err << build.out;
  const std::vector<std::string> names = NamesIn(lake / "_sicoop" / "runs");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(fs::path(names[0]).extension(), ".html");
  EXPECT_EQ(fs::path(names[1]).extension(), ".json");
  const BrowserRun failed = LoadInBrowser(lake / "_sicoop" / "runs" / names[0]);
  ASSERT_EQ(failed.error, "") << failed.log.substr(0, 4000);
  EXPECT_TRUE(failed.console.empty()) << failed.console.front();
  EXPECT_NE(failed.dom.find(">Falhou<"), std::string::npos);
  // The manifest's error, on the page: Spark's, naming the raw table it could not find.
  EXPECT_NE(ReadWholeFile(lake / "_sicoop" / "runs" / names[1]).find("TABLE_OR_VIEW_NOT_FOUND"), std::string::npos);
  EXPECT_NE(failed.dom.find("<p class=\"alert\">Spark: [TABLE_OR_VIEW_NOT_FOUND] The table or view "
                            "`sicoop_lake`.`raw`.`movimento` cannot be found."),
            std::string::npos)
      << build.err << "\n" << failed.dom;
  EXPECT_NE(failed.dom.find("Esta execução não fez ingestão"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::testing
