// Every wrong command line a user can type: exit status 2, one line on stderr that names the wrong
// part and points at --help, nothing on stdout, and never the password of a URL given with it. No
// server is needed: each is refused before sicoop connects to anything.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {

constexpr const char* kPassword = "Secr3t";
constexpr const char* kUrl = "postgresql://u:Secr3t@127.0.0.1:1/d";

struct UsageErrorCase {
  std::string name;                // the test's name
  std::vector<std::string> args;   // after "sicoop"
  std::string names;               // the wrong part, as the reason must name it
};

// For gtest's messages: the case's name rather than its bytes.
void PrintTo(const UsageErrorCase& usage_case, std::ostream* out) { *out << usage_case.name; }

std::string PrintCaseName(const ::testing::TestParamInfo<UsageErrorCase>& info) { return info.param.name; }

class UsageErrorTest : public ::testing::TestWithParam<UsageErrorCase> {};

TEST_P(UsageErrorTest, ExitsWithTwoAndOneLineNamingTheWrongPartWithAHint) {
  SplitRunResult run = RunSicoopSplit(GetParam().args);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  ASSERT_FALSE(run.err.empty());
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "not one line:\n" << run.err;
  EXPECT_EQ(run.err.rfind("sicoop: ", 0), 0u) << run.err;
  EXPECT_NE(run.err.find(GetParam().names), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--help"), std::string::npos) << "no hint: " << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.find(kPassword), std::string::npos) << run.err;
}

const std::vector<std::string> kEtlRequired = {"--db", kUrl, "--output", "/nonexistent/out"};

std::vector<std::string> Etl(std::vector<std::string> extra) {
  std::vector<std::string> args = {"etl"};
  args.insert(args.end(), kEtlRequired.begin(), kEtlRequired.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> Seed(std::vector<std::string> extra) {
  std::vector<std::string> args = {"db", "seed", "--db", kUrl};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

INSTANTIATE_TEST_SUITE_P(
    CommandLines, UsageErrorTest,
    ::testing::Values(
        UsageErrorCase{"UnknownCommand", {"elt"}, "'elt'"},
        UsageErrorCase{"UnknownOption", {"etl", "--ouput", "x", "--db", kUrl}, "--ouput"},
        UsageErrorCase{"UnexpectedArgument", Etl({"extra"}), "'extra'"},
        UsageErrorCase{"NegativePartitions", Etl({"--partitions", "-1"}), "--partitions"},
        UsageErrorCase{"PartitionsNotANumber", Etl({"--partitions", "8x"}), "--partitions"},
        UsageErrorCase{"PortZero", {"spark", "start", "--port", "0"}, "--port"},
        UsageErrorCase{"TimeZoneWithASpace", {"spark", "start", "--time-zone", "a b"}, "--time-zone"},
        UsageErrorCase{"MemoryWithoutAUnit", {"spark", "start", "--memory", "lots"}, "--memory"},
        UsageErrorCase{"EtlWithoutDb", {"etl", "--output", "x"}, "--db"},
        UsageErrorCase{"EtlWithoutOutput", {"etl", "--db", kUrl}, "--output"},
        UsageErrorCase{"EmptyOutput", {"etl", "--db", kUrl, "--output", ""}, "--output must name a folder"},
        UsageErrorCase{"DemoEmptyOutput", {"demo", "--output="}, "--output must name a folder"},
        UsageErrorCase{"InitWithoutDb", {"db", "init"}, "--db"},
        UsageErrorCase{"LakeVerifyWithoutDb", {"lake", "verify", "--lake", "x"}, "--db"},
        UsageErrorCase{"LakeShowWithoutLake", {"lake", "show"}, "--lake"},
        UsageErrorCase{"LakeShowRunsNotANumber", {"lake", "show", "--lake", "x", "--runs", "many"}, "--runs"},
        UsageErrorCase{"ReportWithoutSubcommand", {"report"}, "report"},
        UsageErrorCase{"UnknownReportSubcommand", {"report", "memer"}, "'memer'"},
        UsageErrorCase{"ReportWithoutLake", {"report", "members", "--month", "2024-03", "-o", "y"}, "--lake"},
        UsageErrorCase{"ReportMemberWithoutAssociado", {"report", "member", "--lake", "x", "-o", "y"}, "--associado"},
        UsageErrorCase{"ReportMemberIdNotANumber", {"report", "member", "--lake", "x", "--associado", "ana", "-o", "y"},
                       "--associado"},
        UsageErrorCase{"ReportMemberWithoutOutput", {"report", "member", "--lake", "x", "--associado", "1"}, "--output"},
        UsageErrorCase{"ReportMonthNotYearAndMonth",
                       {"report", "member", "--lake", "x", "--associado", "1", "--from", "2024-3", "-o", "y"},
                       "--from takes a month as YYYY-MM (2024-03), not '2024-3'"},
        UsageErrorCase{"ReportFromAfterTo",
                       {"report", "member", "--lake", "x", "--associado", "1", "--from", "2024-05", "--to", "2024-03", "-o", "y"},
                       "--from 2024-05 comes after --to 2024-03"},
        UsageErrorCase{"ReportMembersWithoutMonth", {"report", "members", "--lake", "x", "-o", "y"}, "--month"},
        UsageErrorCase{"ReportMembersMonthOutOfRange", {"report", "members", "--lake", "x", "--month", "2024-13", "-o", "y"},
                       "--month takes a month as YYYY-MM"},
        UsageErrorCase{"ReportMembersNoJobs", {"report", "members", "--lake", "x", "--month", "2024-03", "-o", "y", "--jobs", "0"},
                       "--jobs"},
        UsageErrorCase{"ReportsToObjectStorage",
                       {"report", "members", "--lake", "x", "--month", "2024-03", "-o", "s3a://coop-reports/2024-03"},
                       "--output takes a local folder for reports"},
        UsageErrorCase{"TwoCharacterDelimiter", Etl({"--delimiter", ";;"}), "--delimiter"},
        UsageErrorCase{"ExcelPresetWithAnotherDelimiter", Etl({"--excel-br", "--delimiter", ","}),
                       "--excel-br writes ';' between fields, not ','"},
        UsageErrorCase{"UnknownCardNumberMode", Etl({"--card-number", "partial"}), "--card-number"},
        UsageErrorCase{"MalformedDatabaseUrl", {"etl", "--db", "postgresql//nope", "--output", "x"}, "database URL"},
        UsageErrorCase{"UnknownDatabaseScheme", {"db", "seed", "--db", "ftp://u:Secr3t@h/d"}, "database URL"},
        UsageErrorCase{"UnknownTlsMode", {"db", "init", "--db", "mysql://u:Secr3t@h/d?ssl-mode=verify-full"},
                       "unknown ssl-mode 'verify-full'"},
        UsageErrorCase{"UnknownUrlParameter", {"etl", "--db", "postgresql://u:Secr3t@h/d?ssl=true", "--output", "x"},
                       "unknown parameter 'ssl'"},
        UsageErrorCase{"SparkUrlNotSc", Etl({"--spark", "http://host"}), "sc://"},
        UsageErrorCase{"DbWithoutSubcommand", {"db"}, "db"},
        UsageErrorCase{"UnknownDbSubcommand", {"db", "int"}, "'int'"},
        UsageErrorCase{"SparkWithoutSubcommand", {"spark"}, "spark"},
        UsageErrorCase{"UnknownSparkSubcommand", {"spark", "begin"}, "'begin'"},
        UsageErrorCase{"ValueMissingAfterOption", {"etl", "--output", "x", "--db"}, "--db"},
        UsageErrorCase{"AppendAndTruncate", Seed({"--append", "--truncate"}), "--append"},
        UsageErrorCase{"NegativeMovimentos", Seed({"--movimentos", "-5"}), "--movimentos"},
        UsageErrorCase{"MovimentosNotANumber", Seed({"--movimentos", "lots"}), "--movimentos"},
        UsageErrorCase{"DayThatDoesNotExist", Seed({"--to", "2024-02-30"}), "2024-02-30"},
        UsageErrorCase{"FlagWithAValue", Seed({"--append=yes"}), "--append"},
        UsageErrorCase{"AnomalyShareOverHalf", Seed({"--anomalies", "0.6"}), "--anomalies must be a share of the cards from 0 to 0.5"},
        UsageErrorCase{"AnomalyShareNotANumber", Seed({"--anomalies", "some"}), "not 'some'"},
        UsageErrorCase{"DbTimeoutZero", Etl({"--db-timeout", "0"}), "--db-timeout must be a whole number from 1"},
        UsageErrorCase{"DbTimeoutWithAUnit", Seed({"--db-timeout", "5s"}), "--db-timeout"},
        UsageErrorCase{"DbTimeoutOverADay", {"db", "init", "--db", kUrl, "--db-timeout", "86401"}, "--db-timeout"},
        UsageErrorCase{"SuggestsTheCommand", {"elt", "--db", kUrl}, "unknown command 'elt': did you mean 'etl'?"},
        UsageErrorCase{"SuggestsTheSubcommand", {"db", "int", "--db", kUrl}, "did you mean 'sicoop db init'?"},
        UsageErrorCase{"SuggestsTheOption", Etl({"--ouput", "x"}), "unknown option --ouput: did you mean --output?"},
        UsageErrorCase{"HelpOfAMistypedCommand", {"help", "sprak"}, "did you mean 'spark'?"},
        UsageErrorCase{"UnknownShortOption", Etl({"-x"}), "'-x'"},
        UsageErrorCase{"CompletionForAnotherShell", {"completion", "fish"}, "bash or zsh"}),
    PrintCaseName);

TEST(UsageTest, HelpPrintsTheUsageOnStdoutAndSucceeds) {
  SplitRunResult run = RunSicoopSplit({"--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("usage: sicoop COMMAND", 0), 0u) << run.out;
  for (const char* command : {"db init", "db seed", "etl", "demo", "spark"}) {
    EXPECT_NE(run.out.find("\n  " + std::string(command) + " "), std::string::npos) << command << " not listed";
  }
  EXPECT_EQ(run.err, "");
}

TEST(UsageTest, NoCommandPrintsTheUsageAndIsAUsageError) {
  SplitRunResult run = RunSicoopSplit({});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE((run.out + run.err).find("usage: sicoop COMMAND"), std::string::npos) << run.out << run.err;
}

TEST(UsageTest, CommandHelpListsEveryOptionOnStdout) {
  SplitRunResult run = RunSicoopSplit({"db", "seed", "--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  for (const char* option : {"--db", "--movimentos", "--associados", "--seed", "--from", "--to", "--batch",
                             "--append", "--truncate"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option << " missing from:\n" << run.out;
  }
  SplitRunResult etl = RunSicoopSplit({"etl", "--help"});
  EXPECT_EQ(etl.exit_code, 0) << etl.err;
  for (const char* option : {"--db", "--output", "--spark", "--delimiter", "--card-number", "--partitions"}) {
    EXPECT_NE(etl.out.find(option), std::string::npos) << option << " missing from:\n" << etl.out;
  }
}

}  // namespace
}  // namespace sicoop::testing
