#include "pipeline/time_slices.h"

#include <gtest/gtest.h>

namespace sicoop::pipeline {
namespace {

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
