// The one calendar: wall-clock text to seconds and back, with no time zone.
#include "common/calendar.h"

#include <gtest/gtest.h>

namespace sicoop {
namespace {

TEST(CalendarTest, RoundTripsAcrossLeapYearsAndEpochs) {
  for (const char* text : {"1970-01-01 00:00:00", "2018-11-04 00:30:00", "2024-02-29 23:59:59",
                           "1969-12-31 23:59:59", "2100-03-01 12:00:00", "0001-01-01 00:00:00"}) {
    auto seconds = ParseWallClock(text);
    ASSERT_TRUE(seconds.has_value()) << text;
    EXPECT_EQ(FormatWallClock(*seconds), text);
  }
  EXPECT_EQ(*ParseWallClock("1970-01-02 00:00:01"), 86401);
  EXPECT_EQ(*ParseWallClock("1969-12-31 23:59:59"), -1);
  EXPECT_EQ(FormatWallClock(*ParseWallClock("2024-02-29")), "2024-02-29 00:00:00");
  EXPECT_EQ(FormatWallClock(0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

TEST(CalendarTest, FormatsMillisecondsInUtcWithTheirThreeDigits) {
  EXPECT_EQ(FormatUtcMillis(0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(FormatUtcMillis(1764380892007), "2025-11-29 01:48:12.007");
  EXPECT_EQ(FormatUtcMillis(1764380892250), "2025-11-29 01:48:12.250");
  EXPECT_EQ(FormatUtcMillis(-1), "1969-12-31 23:59:59.999");
}

TEST(CalendarTest, DropsFractionsAndRejectsImpossibleDatesAndOtherText) {
  EXPECT_EQ(ParseWallClock("2020-01-01 00:00:00.75"), ParseWallClock("2020-01-01 00:00:00"));
  EXPECT_EQ(ParseWallClock("2020-01-01 00:00:59.999999"), ParseWallClock("2020-01-01 00:00:59"));
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024-01-01 24:00:00",
                          "2020-01-01T00:00:00", "2020-01-01 00:00:00.", "2020-01-01 00:00:00.5x",
                          "2020-01-01 00:00:60", "2024-04-31", "yesterday", ""}) {
    EXPECT_FALSE(ParseWallClock(bad)) << bad;
  }
}

TEST(CalendarTest, WeekdaysAndMonthsOfDayNumbers) {
  EXPECT_EQ(Weekday(*ParseWallClock("2024-06-07") / kSecondsPerDay), 4);  // a Friday
  EXPECT_EQ(Weekday(*ParseWallClock("1969-12-29") / kSecondsPerDay), 0);  // a Monday before the epoch
  EXPECT_EQ(MonthOfDay(*ParseWallClock("2024-12-31") / kSecondsPerDay), 12);
  EXPECT_EQ(FloorDiv(-1, kSecondsPerDay), -1);
  EXPECT_EQ(FloorDiv(86400, kSecondsPerDay), 1);
}

}  // namespace
}  // namespace sicoop
