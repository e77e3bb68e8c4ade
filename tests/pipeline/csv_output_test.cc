#include "pipeline/csv_output.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <random>
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

  // The lock of `dir`, created when missing; nullopt (and the test failed) when it could not be had.
  static std::optional<FolderLock> Lock(const fs::path& dir) {
    auto lock = LockOutputDir(dir);
    EXPECT_TRUE(lock.ok()) << lock.status().message();
    if (!lock.ok()) return std::nullopt;
    return std::move(*lock);
  }

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

TEST(CsvPresetTest, TheExcelPresetHasADecimalCommaAndCrLfLineEnds) {
  EXPECT_EQ(LineEnd(CsvPreset::kExcelBr), "\r\n");
  EXPECT_EQ(LineEnd(CsvPreset::kDefault), "\n");
  EXPECT_EQ(DecimalMark(CsvPreset::kExcelBr), ',');
  EXPECT_EQ(DecimalMark(CsvPreset::kDefault), '.');
}

TEST(ChooseDelimiterTest, DefaultsToCommaOrToSemicolonInTheExcelPreset) {
  EXPECT_EQ(ChooseDelimiter(std::nullopt, CsvPreset::kDefault).value(), ',');
  EXPECT_EQ(ChooseDelimiter(std::nullopt, CsvPreset::kExcelBr).value(), ';');
  EXPECT_EQ(ChooseDelimiter("|", CsvPreset::kDefault).value(), '|');
  EXPECT_EQ(ChooseDelimiter(";", CsvPreset::kExcelBr).value(), ';');
}

TEST(ChooseDelimiterTest, TheExcelPresetRefusesAnyOtherDelimiterAsAUsageError) {
  for (const char* other : {",", "\t", "|"}) {
    auto chosen = ChooseDelimiter(other, CsvPreset::kExcelBr);
    ASSERT_FALSE(chosen.ok()) << "delimiter '" << other << "'";
    EXPECT_TRUE(chosen.status().is_usage());
    EXPECT_NE(chosen.status().message().find("--excel-br"), std::string::npos) << chosen.status().message();
  }
  EXPECT_TRUE(ChooseDelimiter("\"", CsvPreset::kDefault).status().is_usage());
}

TEST(CsvRecordCounterTest, CountsCrLfRecordsOnceAndKeepsQuotedCrAndLfInTheirField) {
  CsvRecordCounter counter;
  counter.Feed("\xEF\xBB\xBF" "a;b\r\n\"x\r\ny\";\"cr\rlf\nboth\r\n\"\r\n-50,00;\"a;b\"\r\n");
  EXPECT_EQ(counter.records(), 3);
}

TEST(CsvRecordCounterTest, EndsOnlyRecordsWithCrLfWhateverTheChunkBoundaries) {
  const std::string text = "1;\"a\nb\";\"cr\rx\"\n2;\"\"\"q\n\"\"\"\n";
  for (size_t split = 0; split <= text.size(); ++split) {
    CsvRecordCounter counter;
    std::string out;
    counter.FeedEndingRecordsWithCrLf(std::string_view(text).substr(0, split), out);
    counter.FeedEndingRecordsWithCrLf(std::string_view(text).substr(split), out);
    EXPECT_EQ(out, "1;\"a\nb\";\"cr\rx\"\r\n2;\"\"\"q\n\"\"\"\r\n") << "split at " << split;
    EXPECT_EQ(counter.records(), 2) << "split at " << split;
  }
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

// Feed jumps between quotes and line ends; FeedEndingRecordsWithCrLf walks byte by byte. On random
// text of quotes, line ends, delimiters and letters, cut anywhere, both count the same records.
TEST(CsvRecordCounterTest, TheFastCountAgreesWithTheByteByByteOneOnRandomText) {
  std::mt19937 random(20261128);
  const std::string alphabet = "\"\"\n\r,;ab";
  for (int round = 0; round < 500; ++round) {
    std::string text(random() % 64, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    const size_t first = random() % (text.size() + 1);
    const size_t second = first + random() % (text.size() - first + 1);
    CsvRecordCounter fast, byte_by_byte;
    std::string ignored;
    for (auto [from, to] : {std::pair{size_t{0}, first}, std::pair{first, second}, std::pair{second, text.size()}}) {
      fast.Feed(std::string_view(text).substr(from, to - from));
      byte_by_byte.FeedEndingRecordsWithCrLf(std::string_view(text).substr(from, to - from), ignored);
    }
    ASSERT_EQ(fast.records(), byte_by_byte.records()) << "text: " << text << ", cut at " << first << " and " << second;
  }
}

TEST_F(CsvOutputTest, PublishJoinsPartsInOrderBehindOneHeader) {
  auto lock = Lock(root_ / "out");
  ASSERT_TRUE(lock);
  auto staging = StagingDir::Create(*lock);
  ASSERT_TRUE(staging.ok()) << staging.status().message();
  fs::create_directories(staging->parts());
  WriteFile(staging->parts() / "part-00001-x-c000.csv", "3,c\n");
  WriteFile(staging->parts() / "part-00000-x-c000.csv", "1,a\n2,\"b\nb\"\n");
  WriteFile(staging->parts() / "_SUCCESS", "");
  auto rows = PublishCsv(*staging, "n,s", CsvPreset::kDefault, root_ / "out" / kFlatFileName, 3);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(*rows, 3);
  EXPECT_EQ(testing::ReadWholeFile(root_ / "out" / kFlatFileName), "n,s\n1,a\n2,\"b\nb\"\n3,c\n");
}

TEST_F(CsvOutputTest, TheExcelPresetPutsAByteOrderMarkBeforeTheHeaderAndEndsItWithCrLf) {
  auto lock = Lock(root_);
  ASSERT_TRUE(lock);
  auto staging = StagingDir::Create(*lock);
  ASSERT_TRUE(staging.ok()) << staging.status().message();
  fs::create_directories(staging->parts());
  WriteFile(staging->parts() / "part-00001.csv", "-2,50;c\n");
  WriteFile(staging->parts() / "part-00000.csv", "1;\"b\nb\r\"\n");
  auto rows = PublishCsv(*staging, "n;s", CsvPreset::kExcelBr, root_ / kFlatFileName, 2);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(*rows, 2);
  EXPECT_EQ(testing::ReadWholeFile(root_ / kFlatFileName), "\xEF\xBB\xBFn;s\r\n1;\"b\nb\r\"\r\n-2,50;c\r\n");
}

TEST_F(CsvOutputTest, NoPartsGiveTheHeaderAlone) {
  auto lock = Lock(root_);
  ASSERT_TRUE(lock);
  auto staging = StagingDir::Create(*lock);
  ASSERT_TRUE(staging.ok());
  auto rows = PublishCsv(*staging, "n,s", CsvPreset::kDefault, root_ / kFlatFileName, 0);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 0);
  EXPECT_EQ(testing::ReadWholeFile(root_ / kFlatFileName), "n,s\n");
}

TEST_F(CsvOutputTest, StagingFolderDisappearsAndOnlyTheCsvStays) {
  {
    auto lock = Lock(root_);
    ASSERT_TRUE(lock);
    auto staging = StagingDir::Create(*lock);
    ASSERT_TRUE(staging.ok());
    fs::create_directories(staging->parts());
    WriteFile(staging->parts() / "part-00000.csv", "1\n");
    ASSERT_TRUE(PublishCsv(*staging, "n", CsvPreset::kDefault, root_ / kFlatFileName, 1).ok());
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root_)) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{kFlatFileName});
}

TEST_F(CsvOutputTest, FailedPublishLeavesThePreviousFile) {
  WriteFile(root_ / kFlatFileName, "previous\n");
  auto lock = Lock(root_);
  ASSERT_TRUE(lock);
  auto staging = StagingDir::Create(*lock);
  ASSERT_TRUE(staging.ok());
  fs::create_directories(staging->parts() / "part-00000-is-a-folder.csv");
  auto rows = PublishCsv(*staging, "n", CsvPreset::kDefault, root_ / kFlatFileName, 0);
  EXPECT_FALSE(rows.ok());
  EXPECT_EQ(testing::ReadWholeFile(root_ / kFlatFileName), "previous\n");
}

// Part files that lost rows after Spark wrote them (the fault of two runs sharing a staging
// folder): fewer records than Spark counted, so the previous file stays.
TEST_F(CsvOutputTest, FewerRowsThanSparkCountedFailGivingBothAndKeepThePreviousFile) {
  WriteFile(root_ / kFlatFileName, "previous\n");
  {
    auto lock = Lock(root_);
    ASSERT_TRUE(lock);
    auto staging = StagingDir::Create(*lock);
    ASSERT_TRUE(staging.ok());
    fs::create_directories(staging->parts());
    WriteFile(staging->parts() / "part-00000.csv", "1\n2\n\"3\n3\"\n");
    auto rows = PublishCsv(*staging, "n", CsvPreset::kDefault, root_ / kFlatFileName, 5);
    ASSERT_FALSE(rows.ok());
    EXPECT_NE(rows.status().message().find("hold 3 rows, but Spark counted 5 rows"), std::string::npos)
        << rows.status().message();
    EXPECT_NE(rows.status().message().find((root_ / kFlatFileName).string() + " was not replaced"), std::string::npos)
        << rows.status().message();
    EXPECT_EQ(testing::ReadWholeFile(root_ / kFlatFileName), "previous\n");
    EXPECT_FALSE(PublishCsv(*staging, "n", CsvPreset::kDefault, root_ / kFlatFileName, 2).ok()) << "more rows than counted";
  }
  EXPECT_EQ(testing::ReadWholeFile(root_ / kFlatFileName), "previous\n");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root_)) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{kFlatFileName}) << "the staging folder and the lock go";
}

TEST_F(CsvOutputTest, StagingFolderIsNamedByTheRunId) {
  auto lock = Lock(root_);
  ASSERT_TRUE(lock);
  auto staging = StagingDir::Create(*lock);
  ASSERT_TRUE(staging.ok());
  EXPECT_EQ(staging->path(), root_ / (".movimento_flat.staging-" + lock->run_id()));
}

// Under the lock every other staging folder is a dead run's, whatever its name says: the pid of a
// live process here (1) in an old-style name, or another run id.
TEST_F(CsvOutputTest, UnderTheLockEveryOtherStagingFolderIsRemoved) {
  const fs::path old_style = root_ / ".movimento_flat.staging-1-123456";
  const fs::path other_run = root_ / ".movimento_flat.staging-0123456789abcdef0123456789abcdef";
  fs::create_directories(old_style / "parts");
  fs::create_directories(other_run / "parts");
  WriteFile(root_ / "unrelated.txt", "kept");
  auto lock = Lock(root_);
  ASSERT_TRUE(lock);
  auto staging = StagingDir::Create(*lock);
  ASSERT_TRUE(staging.ok());
  EXPECT_FALSE(fs::exists(old_style));
  EXPECT_FALSE(fs::exists(other_run));
  EXPECT_TRUE(fs::exists(root_ / "unrelated.txt"));
}

TEST_F(CsvOutputTest, AFileAsOutputIsRefusedWithItsPath) {
  WriteFile(root_ / "file.txt", "x");
  Status check = CheckOutputDir(root_ / "file.txt");
  ASSERT_FALSE(check.ok());
  EXPECT_NE(check.message().find("file.txt"), std::string::npos) << check.message();
  EXPECT_FALSE(CheckOutputDir(root_ / "file.txt" / "below").ok());
  EXPECT_FALSE(LockOutputDir(root_ / "file.txt").ok());
}

TEST_F(CsvOutputTest, MissingOutputFolderIsFineAndCreatedOnDemand) {
  EXPECT_TRUE(CheckOutputDir(root_ / "a" / "b").ok());
  EXPECT_FALSE(fs::exists(root_ / "a"));
  auto lock = Lock(root_ / "a" / "b");
  ASSERT_TRUE(lock);
  EXPECT_TRUE(fs::is_directory(root_ / "a" / "b"));
}

TEST(OutputDirTest, AnEmptyOutputIsAUsageError) {
  EXPECT_TRUE(ValidateOutputDir("").is_usage());
  EXPECT_TRUE(ValidateOutputDir("out").ok());
}

// The message names the path as given and why it cannot be made, not only the folder above it.
TEST(OutputDirTest, AnUncreatableFolderIsNamedAsGivenWithTheReason) {
  Status check = CheckOutputDir("/proc/x");
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.message(),
            "cannot create the output folder /proc/x: /proc takes no new folders (No such file or directory; "
            "/proc is the kernel's proc filesystem): choose a writable --output");
}

}  // namespace
}  // namespace sicoop::pipeline
