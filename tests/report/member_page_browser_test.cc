// The member report page in a real browser (chromium-headless-shell, support/browser.h): rendered
// from hand-built figures, hostile text included, it shows its two charts with one bar per month and
// per category, logs no console message, asks the network for nothing, and draws a screenshot that
// is not blank. Set SICOOP_SCREENSHOT_DIR to keep the screenshot (docs/images/member-report.png).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "report/member_page.h"
#include "support/browser.h"
#include "support/files.h"

namespace sicoop::report {
namespace {

namespace fs = std::filesystem;
using testing::BarsInChart;

int Occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

MemberReport Report() {
  MemberReport report;
  report.id_associado = "42";
  report.nome = "Maria";
  report.sobrenome = "da Conceição Albuquerque";
  report.idade = "37";
  report.email = "maria.albuquerque@example.com.br";
  report.period_from = "2025-07";
  report.period_to = "2025-12";
  report.generated_at = "2026-01-02 08:00:00";
  report.accounts = {{"310", "CC", "2019-03-11 10:12:00"}, {"311", "CP", "2021-08-02 15:40:10"}};
  report.cards = {{"901", "************4821", "MARIA C ALBUQUERQUE", "310", "2019-03-11 10:20:00"},
                  {"902", "************0377", "MARIA ALBUQUERQUE", "310", "2023-05-30 09:00:00"}};
  const char* gastos[] = {"1843.27", "2210.90", "1532.04", "2987.66", "2401.15", "4120.80"};
  for (int i = 0; i < 6; ++i) {
    const std::string mes = "2025-" + std::string(i + 7 < 10 ? "0" : "") + std::to_string(i + 7) + "-01";
    char ticket[16];
    std::snprintf(ticket, sizeof(ticket), "%.2f", std::stod(gastos[i]) / (18 + i));
    report.months.push_back({mes, std::to_string(20 + i), std::to_string(18 + i), gastos[i], ticket,
                             i % 2 ? "1" : "0", i % 2 ? "54.90" : "0.00", "2", "1"});
  }
  report.categories = {{"supermercado", "40", "5210.33"}, {"restaurante", "31", "2875.10"},
                       {"combustível", "18", "2301.80"}, {"farmácia", "12", "1204.55"},
                       {"vestuário", "7", "1490.00"},    {"casa e construção", "4", "997.04"},
                       {"outros", "11", "1016.00"}};
  const char* lojas[] = {"Supermercado Bom Preço - Goiânia", "Posto Ipiranga - Anápolis", "Drogaria São Paulo",
                         "Restaurante Sabor da Terra - Goiânia", "Estorno Renner", "Leroy Merlin - Brasília"};
  for (int i = 0; i < 24; ++i) {
    const bool refund = i % 9 == 4;
    report.movimentos.push_back({"2025-" + std::string(7 + i / 4 < 10 ? "0" : "") + std::to_string(7 + i / 4) + "-" +
                                     std::to_string(10 + i % 4 * 4) + " 1" + std::to_string(i % 10) + ":2" +
                                     std::to_string(i % 6) + ":00",
                                 refund ? "Estorno Renner" : lojas[i % 6],
                                 refund ? "-54.90" : std::to_string(30 + i * 7) + "." + std::to_string(10 + i),
                                 i % 3 ? "************4821" : "************0377"});
  }
  return report;
}

// The report with text that would break a page that did not escape it, 300 movimentos and refunds.
MemberReport HostileReport() {
  MemberReport report = Report();
  report.nome = "<script>console.error('nome')</script>";
  report.sobrenome = "O'Brien \"Zé\" 💳 & <b>Filho</b>";
  report.email = "\"><img src=https://example.com/x.png onerror=console.error(1)>";
  report.cards[0].nome_impresso = "</td></tr></table><script>console.error('cartao')</script>";
  report.categories[0].categoria = "<svg onload=console.error('categoria')>";
  report.movimentos.clear();
  for (int i = 0; i < 300; ++i) {
    report.movimentos.push_back({"2025-12-01 10:00:00",
                                 i % 10 == 0 ? "Estorno <i>Loja</i> 🛒 \"&\"" : "Padaria <script>x()</script> - São José",
                                 i % 10 == 0 ? "-12.50" : "8.90", "************4821"});
  }
  return report;
}

class MemberPageBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override { folder_ = testing::MakeTestFolder("sicoop-member-page"); }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path Write(const MemberReport& report) {
    const fs::path file = folder_ / "associado.html";
    std::ofstream(file, std::ios::binary) << MemberPageHtml(report);
    return file;
  }

  // Loads the page and checks what every page must: an answer, no console message, no request,
  // no browser process left.
  testing::BrowserRun Load(const fs::path& file) {
    testing::BrowserRun run = testing::LoadInBrowser(file);
    EXPECT_EQ(run.error, "") << run.log.substr(0, 4000);
    EXPECT_TRUE(run.console.empty()) << run.console.front();
    EXPECT_TRUE(run.requests.empty()) << run.requests.front();
    EXPECT_EQ(testing::ProcessesMentioning(run.folder), std::vector<int>{});
    EXPECT_FALSE(fs::exists(run.folder));
    return run;
  }

  fs::path folder_;
};

TEST_F(MemberPageBrowserTest, RendersBothChartsWithABarPerMonthAndPerCategory) {
  const testing::BrowserRun run = Load(Write(Report()));
  EXPECT_EQ(BarsInChart(run.dom, "gasto-por-mes"), 6);
  EXPECT_EQ(BarsInChart(run.dom, "gasto-por-categoria"), 7);
  EXPECT_NE(run.dom.find(">R$ 4.120,80</text>"), std::string::npos);
  EXPECT_NE(run.dom.find(">supermercado</text>"), std::string::npos);
  // The totals summed from the months: R$ 15.095,82 spent in 123 purchases.
  EXPECT_NE(run.dom.find(">R$ 15.095,82<"), std::string::npos);
  EXPECT_NE(run.dom.find(">R$ 122,73<"), std::string::npos);
  EXPECT_EQ(Occurrences(run.dom, "<tr class=\"refund\">"), 3);
  EXPECT_NE(run.dom.find(">************4821<"), std::string::npos);
}

TEST_F(MemberPageBrowserTest, HostileTextStaysTextAndThreeHundredMovimentosAreRows) {
  const testing::BrowserRun run = Load(Write(HostileReport()));
  // No script, image or svg of the data's made it into the document: each is text there.
  EXPECT_EQ(run.dom.find("<script"), std::string::npos);
  EXPECT_EQ(run.dom.find("<img"), std::string::npos);
  EXPECT_EQ(run.dom.find("<svg onload"), std::string::npos);
  EXPECT_NE(run.dom.find("&lt;script&gt;console.error('nome')&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(run.dom.find("O'Brien \"Zé\" 💳 &amp; &lt;b&gt;Filho&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(BarsInChart(run.dom, "gasto-por-mes"), 6);
  EXPECT_EQ(BarsInChart(run.dom, "gasto-por-categoria"), 7);
  EXPECT_EQ(Occurrences(run.dom, "<tr class=\"refund\">"), 30);
  EXPECT_EQ(Occurrences(run.dom, "Padaria &lt;script&gt;x()&lt;/script&gt; - São José"), 270);
}

TEST_F(MemberPageBrowserTest, APeriodWithoutPurchasesHasAnEmptyCategoryChartThatSaysSo) {
  MemberReport report = Report();
  report.categories.clear();
  report.months.resize(1);
  report.movimentos.clear();
  const testing::BrowserRun run = Load(Write(report));
  EXPECT_EQ(BarsInChart(run.dom, "gasto-por-mes"), 1);
  EXPECT_EQ(BarsInChart(run.dom, "gasto-por-categoria"), 0);
  EXPECT_NE(run.dom.find(">Nenhuma compra no período</text>"), std::string::npos);
  EXPECT_NE(run.dom.find("Nenhum movimento no período."), std::string::npos);
}

TEST_F(MemberPageBrowserTest, TheScreenshotIsDrawnAndNotBlank) {
  const fs::path png = folder_ / "member-report.png";
  const testing::BrowserRun run = testing::ScreenshotInBrowser(Write(Report()), png, 860, 1500);
  ASSERT_EQ(run.error, "") << run.log.substr(0, 4000);
  EXPECT_TRUE(run.console.empty()) << run.console.front();
  std::string error;
  const std::optional<testing::PngImage> image = testing::ReadPng(png, error);
  ASSERT_TRUE(image) << error;
  EXPECT_EQ(image->width, 860);
  EXPECT_EQ(image->height, 1500);
  // Text, bars and backgrounds: many colours, where a blank page has one.
  EXPECT_GE(image->distinct_colours, 8);
  if (const char* keep = std::getenv("SICOOP_SCREENSHOT_DIR")) {
    fs::copy_file(png, fs::path(keep) / "member-report.png", fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace sicoop::report
