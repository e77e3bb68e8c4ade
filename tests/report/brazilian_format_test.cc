#include "report/brazilian_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace sicoop::report {
namespace {

TEST(BrazilianFormatTest, MoneyHasDotsBetweenThousandsAndACommaBeforeTheCentavos) {
  EXPECT_EQ(MoneyText("1234.56"), "R$ 1.234,56");
  EXPECT_EQ(MoneyText("0.5"), "R$ 0,50");
  EXPECT_EQ(MoneyText("7"), "R$ 7,00");
  EXPECT_EQ(MoneyText("999.99"), "R$ 999,99");
  EXPECT_EQ(MoneyText("1000000"), "R$ 1.000.000,00");
  EXPECT_EQ(MoneyText("-45.10"), "-R$ 45,10");
  EXPECT_EQ(MoneyText("-0.01"), "-R$ 0,01");
  EXPECT_EQ(MoneyText(int64_t{123456789012}), "R$ 1.234.567.890,12");
  EXPECT_EQ(MoneyText(std::numeric_limits<int64_t>::min()), "-R$ 92.233.720.368.547.758,08");
}

TEST(BrazilianFormatTest, CentavosRoundHalfAwayFromZeroPastTheSecondDecimal) {
  EXPECT_EQ(ParseCentavos("1.005"), 101);
  EXPECT_EQ(ParseCentavos("1.0049"), 100);
  EXPECT_EQ(ParseCentavos("-1.005"), -101);
  EXPECT_EQ(ParseCentavos("12.3"), 1230);
}

TEST(BrazilianFormatTest, TextThatIsNoAmountIsShownAsItCame) {
  for (const char* text : {"abc", "1,50", "1.", ".5", "-", "1e3", "99999999999999999999"}) {
    EXPECT_EQ(ParseCentavos(text), std::nullopt) << text;
    EXPECT_EQ(MoneyText(std::string_view(text)), text);
  }
  EXPECT_EQ(MoneyText(std::string_view()), "—");
}

TEST(BrazilianFormatTest, CountsAndDatesAndMonths) {
  EXPECT_EQ(CountText(int64_t{0}), "0");
  EXPECT_EQ(CountText(int64_t{999}), "999");
  EXPECT_EQ(CountText(int64_t{1000}), "1.000");
  EXPECT_EQ(CountText("-1234567"), "-1.234.567");
  EXPECT_EQ(CountText("12x"), "12x");
  EXPECT_EQ(DateText("2026-01-05"), "05/01/2026");
  EXPECT_EQ(DateText("2026-01-05 13:45:07"), "05/01/2026 13:45:07");
  EXPECT_EQ(DateText("5 jan"), "5 jan");
  EXPECT_EQ(MonthText("2026-01-01"), "jan/2026");
  EXPECT_EQ(MonthText("2025-12"), "dez/2025");
  EXPECT_EQ(MonthText("2025-13"), "2025-13");
}

}  // namespace
}  // namespace sicoop::report
