// The member reports' files (report/member_files.h) and the months of a period (member_data.h),
// without Spark: names, whole files under their names only, the same bytes whatever the threads,
// and a folder that cannot take a file failing the batch with no file left behind.
#include "report/member_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "report/member_data.h"
#include "support/files.h"

namespace sicoop::report {
namespace {

namespace fs = std::filesystem;

MemberReport Member(int id) {
  MemberReport report;
  report.id_associado = std::to_string(id);
  report.nome = "Nome" + std::to_string(id);
  report.period_from = report.period_to = "2024-03";
  report.months.push_back({"2024-03-01", "2", "2", "10.00", "5.00", "0", "0.00", "1", "1"});
  return report;
}

std::map<std::string, std::string> Contents(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    files[entry.path().filename().string()] = text.str();
  }
  return files;
}

TEST(MemberFilesTest, NamesCarryTheMemberAndThePeriod) {
  MemberReport report = Member(42);
  EXPECT_EQ(MemberFileName(report), "associado-42-2024-03.html");
  report.period_from = "2023-04";
  EXPECT_EQ(MemberFileName(report), "associado-42-2023-04_2024-03.html");
}

TEST(MemberFilesTest, EveryReportIsWrittenWholeUnderItsNameWhateverTheThreads) {
  const fs::path root = testing::MakeTestFolder("sicoop-member-files");
  std::map<int, std::map<std::string, std::string>> by_jobs;
  for (int jobs : {1, 4}) {
    const fs::path folder = root / std::to_string(jobs);
    fs::create_directories(folder);
    int64_t last_count = 0;
    MemberFiles files(folder, jobs, [&last_count](int64_t written) { last_count = written; });
    for (int id = 1; id <= 50; ++id) ASSERT_TRUE(files.Add(Member(id)).ok());
    ASSERT_TRUE(files.Finish().ok());
    EXPECT_EQ(files.written(), 50);
    EXPECT_EQ(last_count, 50);
    by_jobs[jobs] = Contents(folder);
  }
  ASSERT_EQ(by_jobs[1].size(), 50u);  // no temporary file left beside them
  EXPECT_EQ(by_jobs[1], by_jobs[4]);
  EXPECT_EQ(by_jobs[1]["associado-7-2024-03.html"], MemberPageHtml(Member(7)));
  fs::remove_all(root);
}

// A report that cannot be put in place (a folder holds its name) fails the batch: the failure names
// it, the rest stops, and what stays in the folder is whole reports only, no temporary file.
TEST(MemberFilesTest, AReportThatCannotBeWrittenFailsTheBatchAndLeavesNoPartialFile) {
  const fs::path folder = testing::MakeTestFolder("sicoop-member-files-refused");
  fs::create_directory(folder / "associado-3-2024-03.html");
  MemberFiles files(folder, 2);
  Status added = Status::Ok();
  for (int id = 1; id <= 200 && added.ok(); ++id) added = files.Add(Member(id));
  Status finished = files.Finish();
  ASSERT_FALSE(finished.ok());
  EXPECT_NE(finished.message().find("cannot write the member report " + (folder / "associado-3-2024-03.html").string()),
            std::string::npos)
      << finished.message();
  EXPECT_FALSE(added.ok());  // the batch stopped being fed
  EXPECT_LT(files.written(), 199);
  for (const auto& [name, content] : Contents(folder)) {
    if (name == "associado-3-2024-03.html") continue;
    EXPECT_NE(name.front(), '.') << name;
    const int id = std::stoi(name.substr(std::string("associado-").size()));
    EXPECT_EQ(content, MemberPageHtml(Member(id))) << name;
  }
  fs::remove_all(folder);
}

TEST(PeriodTest, MonthsAreCheckedAndCounted) {
  EXPECT_TRUE(IsMonth("2024-03"));
  for (const char* wrong : {"2024-13", "2024-00", "2024-3", "24-03", "2024-03-01", "", "abcd-ef"}) {
    EXPECT_FALSE(IsMonth(wrong)) << wrong;
  }
  EXPECT_EQ(AddMonths("2024-01", -1), "2023-12");
  EXPECT_EQ(AddMonths("2024-12", 1), "2025-01");
  EXPECT_EQ(AddMonths("2024-03", 0), "2024-03");
  EXPECT_EQ(TwelveMonthsEndingAt("2024-03").from, "2023-04");
  EXPECT_EQ(TwelveMonthsEndingAt("2024-12").from, "2024-01");
}

}  // namespace
}  // namespace sicoop::report
