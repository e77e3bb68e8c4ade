// The export's time ranges: pure SQL text, checked without Spark (the export itself is checked
// byte for byte against the direct path by the lake tests under tests/cli).
#include "lake/csv_export.h"

#include <gtest/gtest.h>

#include <numeric>

namespace sicoop::lake {
namespace {

constexpr int64_t kJanuary2024 = (2024 - 1970) * 12;

TEST(MonthRangesTest, OneRangePerMonthInTimeOrderAfterTheRowsWithoutATime) {
  EXPECT_EQ(MonthRanges("t", {kJanuary2024 + 2, kJanuary2024, kJanuary2024 + 1, kJanuary2024}),
            (std::vector<std::string>{
                "t IS NULL",
                "t IS NOT NULL AND t < TIMESTAMP_NTZ'2024-02-01 00:00:00'",
                "t >= TIMESTAMP_NTZ'2024-02-01 00:00:00' AND t < TIMESTAMP_NTZ'2024-03-01 00:00:00'",
                "t >= TIMESTAMP_NTZ'2024-03-01 00:00:00'",
            }));
}

TEST(MonthRangesTest, AGapBetweenMonthsBelongsToTheRangeBeforeIt) {
  EXPECT_EQ(MonthRanges("t", {kJanuary2024 - 13, kJanuary2024 + 11}),
            (std::vector<std::string>{"t IS NULL", "t IS NOT NULL AND t < TIMESTAMP_NTZ'2024-12-01 00:00:00'",
                                      "t >= TIMESTAMP_NTZ'2024-12-01 00:00:00'"}));
}

TEST(MonthRangesTest, MonthsBefore1970AreNumberedBelowZero) {
  EXPECT_EQ(MonthRanges("t", {-1, 0}),
            (std::vector<std::string>{"t IS NULL", "t IS NOT NULL AND t < TIMESTAMP_NTZ'1970-01-01 00:00:00'",
                                      "t >= TIMESTAMP_NTZ'1970-01-01 00:00:00'"}));
  EXPECT_EQ(MonthRanges("t", {-12 * 1969})[1], "t IS NOT NULL");  // January of year 1
}

TEST(MonthRangesTest, AMonthNoLiteralCanNameStartsNoRangeAndItsRowsStayInTheOpenOne) {
  const int64_t year_10000 = (10000 - 1970) * 12;
  const int64_t year_0 = -12 * 1970;
  EXPECT_EQ(MonthRanges("t", {year_0, kJanuary2024, year_10000}),
            (std::vector<std::string>{"t IS NULL", "t IS NOT NULL"}));
}

TEST(MonthRangesTest, NoMonthsNoRanges) { EXPECT_TRUE(MonthRanges("t", {}).empty()); }

TEST(MonthRangesTest, ManyMonthsAreMergedIntoAtMost240RangesThatStillCoverEveryRow) {
  std::vector<int64_t> months(600);
  std::iota(months.begin(), months.end(), kJanuary2024 - 600);
  const std::vector<std::string> ranges = MonthRanges("t", months);
  ASSERT_EQ(ranges.size(), 1u + 200u);  // every third month starts a range
  EXPECT_EQ(ranges[1], "t IS NOT NULL AND t < TIMESTAMP_NTZ'1974-04-01 00:00:00'");
  EXPECT_EQ(ranges.back(), "t >= TIMESTAMP_NTZ'2023-10-01 00:00:00'");
}

}  // namespace
}  // namespace sicoop::lake
