#include "pipeline/time_slices.h"

#include <gtest/gtest.h>

namespace sicoop::pipeline {
namespace {

TEST(WallClockTest, RoundTripsAcrossLeapYearsAndEpochs) {
  for (const char* text : {"1970-01-01 00:00:00", "2018-11-04 00:30:00", "2024-02-29 23:59:59",
                           "1969-12-31 23:59:59", "2100-03-01 12:00:00", "0001-01-01 00:00:00"}) {
    auto seconds = WallClockSeconds(text);
    ASSERT_TRUE(seconds.has_value()) << text;
    EXPECT_EQ(WallClockText(*seconds), text);
  }
  EXPECT_EQ(*WallClockSeconds("1970-01-02 00:00:01"), 86401);
  EXPECT_EQ(*WallClockSeconds("1969-12-31 23:59:59"), -1);
}

TEST(WallClockTest, IgnoresFractionsAndRejectsOtherText) {
  EXPECT_EQ(WallClockSeconds("2020-01-01 00:00:00.75"), WallClockSeconds("2020-01-01 00:00:00"));
  EXPECT_FALSE(WallClockSeconds("2020-13-01 00:00:00"));
  EXPECT_FALSE(WallClockSeconds("2020-01-01T00:00:00"));
  EXPECT_FALSE(WallClockSeconds("yesterday"));
  EXPECT_FALSE(WallClockSeconds(""));
}

TEST(TimeSlicePredicatesTest, CoverTheRangeWithoutGapsOrOverlaps) {
  auto predicates = TimeSlicePredicates("ts", "2024-01-01 00:00:00", "2024-01-04 23:59:59", 4);
  ASSERT_EQ(predicates.size(), 4u);
  EXPECT_EQ(predicates[0], "ts < '2024-01-02 00:00:00'");
  EXPECT_EQ(predicates[1], "ts >= '2024-01-02 00:00:00' AND ts < '2024-01-03 00:00:00'");
  EXPECT_EQ(predicates[2], "ts >= '2024-01-03 00:00:00' AND ts < '2024-01-04 00:00:00'");
  EXPECT_EQ(predicates[3], "ts >= '2024-01-04 00:00:00'");
}

TEST(TimeSlicePredicatesTest, OneSliceOrNoRangeReadsEverything) {
  EXPECT_EQ(TimeSlicePredicates("ts", "2024-01-01 00:00:00", "2024-02-01 00:00:00", 1),
            std::vector<std::string>{"1 = 1"});
  EXPECT_EQ(TimeSlicePredicates("ts", "", "", 8), std::vector<std::string>{"1 = 1"});
  EXPECT_EQ(TimeSlicePredicates("ts", "2024-01-01 00:00:00", "2024-01-01 00:00:00", 8),
            std::vector<std::string>{"1 = 1"});
}

TEST(TimeSlicePredicatesTest, NeverMoreSlicesThanSeconds) {
  auto predicates = TimeSlicePredicates("ts", "2024-01-01 00:00:00", "2024-01-01 00:00:02", 10);
  EXPECT_EQ(predicates.size(), 3u);
}

}  // namespace
}  // namespace sicoop::pipeline
