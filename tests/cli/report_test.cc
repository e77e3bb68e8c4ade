// `sicoop report member` and `sicoop report members` on a lake that `sicoop etl --lake` wrote from a
// seeded source of the test's own (harness PostgreSQL, fixture's Spark): each page's figures against
// the same figures computed in SQL on the source, masked cards and no card number or token in any
// file, one file per member with movimentos in the month, the same files whatever --jobs, and the
// failures that write nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "db/connection.h"
#include "lake/card_token.h"
#include "report/brazilian_format.h"
#include "report/html.h"
#include "report/member_data.h"
#include "support/files.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kMovimentos = 3000;
constexpr auto kRunLimit = std::chrono::seconds(300);

// The account owner's movimentos (as curated's id_associado), in the source.
constexpr const char* kOwnersMovimentos =
    " FROM movimento m JOIN cartao k ON m.id_cartao = k.id JOIN conta co ON k.id_conta = co.id ";

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// How many times `needle` occurs in `text`.
size_t Occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

// The page's figure card `name` with `value`, as the member page draws it.
std::string FigureHtml(const std::string& name, const std::string& value) {
  return "<div class=\"figure\">" + report::HtmlEscape(value) + "</div><div class=\"name\">" +
         report::HtmlEscape(name) + "</div>";
}

// The movimentos table's body rows.
size_t MovimentoRows(const std::string& page) {
  const size_t table = page.find("<table class=\"movimentos\">");
  if (table == std::string::npos) return 0;
  const std::string rows = page.substr(table, page.find("</table>", table) - table);
  return Occurrences(rows, "<tr") - 1;  // the head's row
}

// The page without the time it was made, the one thing two runs over the same lake may change.
std::string WithoutGenerationTime(const std::string& page) {
  return std::regex_replace(page, std::regex("Gerado em [0-9/: ]+ UTC"), "Gerado em (time) UTC");
}

std::map<std::string, std::string> Files(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(folder)) files[entry.path().filename().string()] = ReadText(entry.path());
  return files;
}

class ReportTest : public ::testing::Test {
 protected:
  // A seeded source and the lake `etl --lake` wrote from it (with its gold tables).
  void SetUp() override {
    FreshDatabase fresh = MakeSeededDatabase("postgres", kMovimentos, 23);
    ASSERT_TRUE(fresh.connection);
    source_ = std::move(fresh.connection);
    root_ = MakeTestFolder("sicoop-report");
    const fs::path key = root_ / "token.key";
    Status created = lake::CardTokenKey::CreateFile(key);
    ASSERT_TRUE(created.ok()) << created.message();
    SplitRunResult etl = RunSicoopSplit({"etl", "--db", fresh.url, "-o", (root_ / "out").string(), "--lake", Lake(),
                                         "--token-key-file", key.string(), "--spark", SparkUrl()},
                                        {}, kRunLimit);
    ASSERT_EQ(etl.exit_code, 0) << etl.err << etl.out;
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  std::string Lake() const { return (root_ / "lake").string(); }

  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    auto rows = source_->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().message();
    std::vector<std::vector<std::string>> values;
    if (!rows.ok()) return values;
    for (const auto& row : *rows) {
      values.emplace_back();
      for (const auto& cell : row) values.back().push_back(cell.value_or(""));
    }
    return values;
  }

  SplitRunResult Report(std::vector<std::string> args) {
    args.insert(args.begin(), "report");
    for (const std::string& common : {std::string("--lake"), Lake(), std::string("--spark"), SparkUrl()}) {
      args.push_back(common);
    }
    return RunSicoopSplit(args, {}, kRunLimit);
  }

  std::unique_ptr<db::Connection> source_;
  fs::path root_;
};

// One member: the page against the source, the default period, and the failures that write nothing.
TEST_F(ReportTest, OneMembersReportHoldsTheirNameMaskedCardsAndThePeriodsFiguresOrFailsWritingNothing) {
  // The member with the most movimentos, over the last three months of their own.
  auto busiest = Query(std::string("SELECT co.id_associado, to_char(max(m.data_movimento), 'YYYY-MM')") +
                       kOwnersMovimentos + "GROUP BY co.id_associado ORDER BY count(*) DESC, co.id_associado LIMIT 1");
  ASSERT_EQ(busiest.size(), 1u);
  const std::string id = busiest[0][0];
  const std::string to = busiest[0][1];
  const std::string from = report::AddMonths(to, -2);
  const fs::path output = root_ / "member";
  SplitRunResult run = Report({"member", "--associado", id, "--from", from, "--to", to, "-o", output.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  const std::string name = "associado-" + id + "-" + from + "_" + to + ".html";
  EXPECT_EQ(run.out.rfind("wrote 1 member report (from " + from + " to " + to + ") into " + output.string(), 0), 0u)
      << run.out;
  const std::map<std::string, std::string> files = Files(output);
  ASSERT_EQ(files.size(), 1u);
  ASSERT_EQ(files.begin()->first, name);
  const std::string& page = files.begin()->second;

  auto who = Query("SELECT nome, sobrenome FROM associado WHERE id = " + id);
  ASSERT_EQ(who.size(), 1u);
  EXPECT_NE(page.find("<h1>" + report::HtmlEscape(who[0][0] + " " + who[0][1]) + "</h1>"), std::string::npos);

  // Every card of the member's accounts, masked; the number itself and any token nowhere.
  auto cards = Query("SELECT k.num_cartao FROM cartao k JOIN conta co ON k.id_conta = co.id WHERE co.id_associado = " + id);
  ASSERT_FALSE(cards.empty());
  for (const auto& card : cards) {
    const std::string& number = card[0];
    EXPECT_NE(page.find(std::string(number.size() - 4, '*') + number.substr(number.size() - 4)), std::string::npos)
        << "card ending " << number.substr(number.size() - 4);
    EXPECT_EQ(page.find(number), std::string::npos) << "a card number in clear";
  }
  EXPECT_FALSE(std::regex_search(page, std::regex("[0-9a-f]{64}"))) << "a card token in the page";

  // The period's figures, computed on the source.
  auto figures = Query(std::string("SELECT count(*), COALESCE(sum(m.vlr_transacao) FILTER (WHERE m.vlr_transacao >= 0), 0), "
                                   "count(*) FILTER (WHERE m.vlr_transacao >= 0), count(*) FILTER (WHERE m.vlr_transacao < 0), "
                                   "COALESCE(-sum(m.vlr_transacao) FILTER (WHERE m.vlr_transacao < 0), 0)") +
                       kOwnersMovimentos + "WHERE co.id_associado = " + id + " AND m.data_movimento >= DATE '" + from +
                       "-01' AND m.data_movimento < DATE '" + report::AddMonths(to, 1) + "-01'");
  ASSERT_EQ(figures.size(), 1u);
  const int64_t movimentos = std::stoll(figures[0][0]);
  ASSERT_GT(movimentos, 0);
  EXPECT_NE(page.find(FigureHtml("movimentos", report::CountText(figures[0][0]))), std::string::npos) << figures[0][0];
  EXPECT_NE(page.find(FigureHtml("gasto no período", report::MoneyText(figures[0][1]))), std::string::npos)
      << figures[0][1];
  EXPECT_NE(page.find(FigureHtml("compras", report::CountText(figures[0][2]))), std::string::npos) << figures[0][2];
  EXPECT_NE(page.find(FigureHtml("estornos", report::CountText(figures[0][3]))), std::string::npos) << figures[0][3];
  EXPECT_NE(page.find(FigureHtml("valor estornado", report::MoneyText(figures[0][4]))), std::string::npos)
      << figures[0][4];
  EXPECT_EQ(MovimentoRows(page), static_cast<size_t>(movimentos));
  EXPECT_EQ(Occurrences(page, "<tr class=\"refund\">"), static_cast<size_t>(std::stoll(figures[0][3])));

  // Without a period: the 12 months ending at the lake's last month.
  {
    auto last = Query("SELECT to_char(max(data_movimento), 'YYYY-MM') FROM movimento");
    auto member = Query(std::string("SELECT min(co.id_associado)") + kOwnersMovimentos);
    ASSERT_EQ(last.size(), 1u);
    ASSERT_EQ(member.size(), 1u);
    const fs::path output = root_ / "default-period";
    SplitRunResult run = Report({"member", "--associado", member[0][0], "-o", output.string()});
    ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
    EXPECT_TRUE(fs::exists(output / ("associado-" + member[0][0] + "-" + report::AddMonths(last[0][0], -11) + "_" +
                                     last[0][0] + ".html")))
        << run.out;
  }

  // An unknown member, and a period without movimentos: exit 1, no file.
  {
    const fs::path output = root_ / "failed";
    SplitRunResult unknown = Report({"member", "--associado", "987654", "-o", output.string()});
    EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
    EXPECT_NE(unknown.err.find("holds no member 987654 (raw.associado): check --associado"), std::string::npos)
        << unknown.err;

    auto member = Query(std::string("SELECT min(co.id_associado)") + kOwnersMovimentos);
    ASSERT_EQ(member.size(), 1u);
    SplitRunResult empty = Report({"member", "--associado", member[0][0], "--from", "2019-01", "--to", "2019-02", "-o",
                                   output.string()});
    EXPECT_EQ(empty.exit_code, 1) << empty.err;
    EXPECT_NE(empty.err.find("member " + member[0][0] + " has no movimento in the lake from 2019-01 to 2019-02"),
              std::string::npos)
        << empty.err;
    EXPECT_TRUE(fs::is_empty(output));
  }
}

TEST_F(ReportTest, TheBatchWritesOneFilePerMemberWithMovimentosInTheMonthWhateverTheJobs) {
  auto busiest = Query("SELECT to_char(data_movimento, 'YYYY-MM') FROM movimento GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
  ASSERT_EQ(busiest.size(), 1u);
  const std::string month = busiest[0][0];
  auto members = Query(std::string("SELECT co.id_associado, count(*), a.nome, a.sobrenome") + kOwnersMovimentos +
                       "JOIN associado a ON a.id = co.id_associado WHERE to_char(m.data_movimento, 'YYYY-MM') = '" + month +
                       "' GROUP BY co.id_associado, a.nome, a.sobrenome");
  ASSERT_GT(members.size(), 10u);

  std::map<int, std::map<std::string, std::string>> by_jobs;
  for (int jobs : {1, 4}) {
    const fs::path output = root_ / ("batch-" + std::to_string(jobs));
    std::vector<std::string> args = {"report", "members", "--month", month, "-o", output.string(), "--jobs",
                                     std::to_string(jobs), "--lake", Lake(), "--spark", SparkUrl()};
    // On a terminal: the progress line counts the files against the members.
    SplitRunResult run = jobs == 4 ? RunSicoopOnTerminal(args, {}, kRunLimit) : RunSicoopSplit(args, {}, kRunLimit);
    ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
    EXPECT_NE(run.out.find("wrote " + std::to_string(members.size()) + " member reports (" + month + ")"),
              std::string::npos)
        << run.out;
    if (jobs == 4) {
      EXPECT_NE(run.err.find(std::to_string(members.size()) + " / " + std::to_string(members.size()) +
                             " member reports written"),
                std::string::npos)
          << run.err;
    }
    by_jobs[jobs] = Files(output);
  }
  const std::map<std::string, std::string>& files = by_jobs[1];
  std::set<std::string> expected;
  for (const auto& member : members) {
    const std::string name = "associado-" + member[0] + "-" + month + ".html";
    expected.insert(name);
    auto file = files.find(name);
    if (file == files.end()) continue;  // reported below
    EXPECT_NE(file->second.find("<h1>" + report::HtmlEscape(member[2] + " " + member[3]) + "</h1>"), std::string::npos)
        << name;
    EXPECT_NE(file->second.find(FigureHtml("movimentos", report::CountText(member[1]))), std::string::npos)
        << name << ": " << member[1] << " movimentos";
    EXPECT_EQ(MovimentoRows(file->second), static_cast<size_t>(std::stoll(member[1]))) << name;
  }
  std::set<std::string> written;
  for (const auto& [name, content] : files) written.insert(name);
  EXPECT_EQ(written, expected);

  ASSERT_EQ(by_jobs[4].size(), files.size());
  for (const auto& [name, content] : files) {
    EXPECT_EQ(WithoutGenerationTime(by_jobs[4][name]), WithoutGenerationTime(content)) << name;
  }
}

}  // namespace
}  // namespace sicoop::testing
