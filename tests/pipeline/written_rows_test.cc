#include "pipeline/written_rows.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/files.h"

namespace sicoop::pipeline {
namespace {
namespace fs = std::filesystem;

class WrittenRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parts_ = testing::MakeTestFolder("sicoop-written-rows");
    fs::create_directories(parts_ / "_temporary" / "attempt_0");
  }
  void TearDown() override { fs::remove_all(parts_); }

  static void Append(const fs::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary | std::ios::app) << text;
  }

  fs::path parts_;
};

TEST_F(WrittenRowsTest, CountsGrowingPartsOnceEvenWhenACommitMovesThem) {
  WrittenRowsCounter counter(parts_);
  EXPECT_EQ(counter.Poll(), 0);
  fs::path attempt = parts_ / "_temporary" / "attempt_0" / "part-00000-a.csv";
  Append(attempt, "1,a\n2,\"multi\nline\"\n3,");
  EXPECT_EQ(counter.Poll(), 2);
  Append(attempt, "c\n");
  Append(parts_ / "part-00001-b.csv", "4,d\n");
  EXPECT_EQ(counter.Poll(), 4);
  fs::rename(attempt, parts_ / "part-00000-a.csv");
  EXPECT_EQ(counter.Poll(), 4);
  Append(parts_ / "_SUCCESS", "");
  Append(parts_ / ".part-00001-b.csv.crc", "\n\n\n");
  EXPECT_EQ(counter.Poll(), 4);
}

TEST_F(WrittenRowsTest, AMissingFolderCountsNothing) {
  WrittenRowsCounter counter(parts_ / "not-yet");
  EXPECT_EQ(counter.Poll(), 0);
}

}  // namespace
}  // namespace sicoop::pipeline
