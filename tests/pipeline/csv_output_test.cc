#include "pipeline/csv_output.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/files.h"

namespace sicoop::pipeline {
namespace {
namespace fs = std::filesystem;

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class CsvOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTestFolder("sicoop-csv-output");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST(ValidateDelimiterTest, AcceptsOneOrdinaryCharacter) {
  EXPECT_TRUE(ValidateDelimiter(",").ok());
  EXPECT_TRUE(ValidateDelimiter(";").ok());
  EXPECT_TRUE(ValidateDelimiter("\t").ok());
}

TEST(ValidateDelimiterTest, RejectsAmbiguousDelimitersAsUsageErrors) {
  for (const char* bad : {"", ",,", "\"", "\n", "\r"}) {
    Status status = ValidateDelimiter(bad);
    EXPECT_TRUE(status.is_usage()) << "delimiter '" << bad << "'";
  }
}

TEST(SparkCsvOptionsTest, AskForRfc4180QuotingAndKeepSpaces) {
  auto options = SparkCsvOptions(';');
  EXPECT_EQ(options.at("sep"), ";");
  EXPECT_EQ(options.at("quote"), "\"");
  EXPECT_EQ(options.at("escape"), "\"");
  EXPECT_EQ(options.at("ignoreLeadingWhiteSpace"), "false");
  EXPECT_EQ(options.at("ignoreTrailingWhiteSpace"), "false");
  EXPECT_EQ(options.at("header"), "false");
  EXPECT_EQ(options.at("lineSep"), "\n");
}

TEST(CsvRecordCounterTest, CountsRecordsNotLines) {
  CsvRecordCounter counter;
  counter.Feed("a,b\n\"multi\nline\",x\n\"quote \"\"inside\"\"\n still\",y\n");
  EXPECT_EQ(counter.records(), 3);
}

TEST(CsvRecordCounterTest, ChunkBoundariesDoNotMatter) {
  std::string text = "\"a\"\"\n\",b\nc,\"\n\"\n";
  for (size_t split = 0; split <= text.size(); ++split) {
    CsvRecordCounter counter;
    counter.Feed(std::string_view(text).substr(0, split));
    counter.Feed(std::string_view(text).substr(split));
    EXPECT_EQ(counter.records(), 2) << "split at " << split;
  }
}

TEST_F(CsvOutputTest, PublishJoinsPartsInOrderBehindOneHeader) {
  auto staging = StagingDir::Create(root_ / "out");
  ASSERT_TRUE(staging.ok()) << staging.status().message();
  fs::create_directories(staging->parts());
  WriteFile(staging->parts() / "part-00001-x-c000.csv", "3,c\n");
  WriteFile(staging->parts() / "part-00000-x-c000.csv", "1,a\n2,\"b\nb\"\n");
  WriteFile(staging->parts() / "_SUCCESS", "");
  auto rows = PublishCsv(*staging, "n,s", root_ / "out" / kFlatFileName);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(*rows, 3);
  EXPECT_EQ(testing::ReadWholeFile(root_ / "out" / kFlatFileName), "n,s\n1,a\n2,\"b\nb\"\n3,c\n");
}

TEST_F(CsvOutputTest, NoPartsGiveTheHeaderAlone) {
  auto staging = StagingDir::Create(root_);
  ASSERT_TRUE(staging.ok());
  auto rows = PublishCsv(*staging, "n,s", root_ / kFlatFileName);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 0);
  EXPECT_EQ(testing::ReadWholeFile(root_ / kFlatFileName), "n,s\n");
}

TEST_F(CsvOutputTest, StagingFolderDisappearsAndOnlyTheCsvStays) {
  {
    auto staging = StagingDir::Create(root_);
    ASSERT_TRUE(staging.ok());
    fs::create_directories(staging->parts());
    WriteFile(staging->parts() / "part-00000.csv", "1\n");
    ASSERT_TRUE(PublishCsv(*staging, "n", root_ / kFlatFileName).ok());
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root_)) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{kFlatFileName});
}

TEST_F(CsvOutputTest, FailedPublishLeavesThePreviousFile) {
  WriteFile(root_ / kFlatFileName, "previous\n");
  auto staging = StagingDir::Create(root_);
  ASSERT_TRUE(staging.ok());
  fs::create_directories(staging->parts() / "part-00000-is-a-folder.csv");
  auto rows = PublishCsv(*staging, "n", root_ / kFlatFileName);
  EXPECT_FALSE(rows.ok());
  EXPECT_EQ(testing::ReadWholeFile(root_ / kFlatFileName), "previous\n");
}

TEST_F(CsvOutputTest, AbandonedStagingFoldersOfDeadRunsAreRemoved) {
  // pid 2^22+1 is above Linux's pid_max default, so no process has it.
  fs::path abandoned = root_ / ".movimento_flat.staging-4194305-1";
  fs::create_directories(abandoned / "parts");
  auto staging = StagingDir::Create(root_);
  ASSERT_TRUE(staging.ok());
  EXPECT_FALSE(fs::exists(abandoned));
}

TEST_F(CsvOutputTest, AFileAsOutputIsRefusedWithItsPath) {
  WriteFile(root_ / "file.txt", "x");
  Status check = CheckOutputDir(root_ / "file.txt");
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.message().find("file.txt"), std::string::npos) << check.message();
  EXPECT_FALSE(CheckOutputDir(root_ / "file.txt" / "below").ok());
  EXPECT_FALSE(StagingDir::Create(root_ / "file.txt").ok());
}

TEST_F(CsvOutputTest, MissingOutputFolderIsFineAndCreatedOnDemand) {
  EXPECT_TRUE(CheckOutputDir(root_ / "a" / "b").ok());
  EXPECT_FALSE(fs::exists(root_ / "a"));
  auto staging = StagingDir::Create(root_ / "a" / "b");
  ASSERT_TRUE(staging.ok());
  EXPECT_TRUE(fs::is_directory(root_ / "a" / "b"));
}

}  // namespace
}  // namespace sicoop::pipeline
