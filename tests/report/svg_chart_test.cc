#include "report/svg_chart.h"

#include <gtest/gtest.h>

#include <regex>

#include "report/brazilian_format.h"

namespace sicoop::report {
namespace {

int Occurrences(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST(NiceAxisTest, TheAxisEndsAtTheFirstRoundStepAtOrAboveTheLargestValue) {
  ValueAxis axis = NiceAxis(1234.56, 5, false);
  EXPECT_DOUBLE_EQ(axis.step, 500);
  EXPECT_DOUBLE_EQ(axis.max, 1500);
  axis = NiceAxis(1000, 5, false);
  EXPECT_DOUBLE_EQ(axis.step, 200);
  EXPECT_DOUBLE_EQ(axis.max, 1000);
  axis = NiceAxis(0.07, 5, false);
  EXPECT_DOUBLE_EQ(axis.step, 0.02);
  EXPECT_NEAR(axis.max, 0.08, 1e-12);
}

TEST(NiceAxisTest, CountsStepByWholeNumbersAndNothingGivesOneStep) {
  ValueAxis axis = NiceAxis(3, 5, true);
  EXPECT_DOUBLE_EQ(axis.step, 1);
  EXPECT_DOUBLE_EQ(axis.max, 3);
  axis = NiceAxis(0, 5, true);
  EXPECT_DOUBLE_EQ(axis.max, 1);
  axis = NiceAxis(-5, 5, false);
  EXPECT_DOUBLE_EQ(axis.max, 1);
}

TEST(BarLengthsTest, LengthsAreProportionalAndClampedToTheAxis) {
  const std::vector<double> lengths = BarLengths({0, 250, 500, 1000, -40, 2000}, 1000, 300);
  ASSERT_EQ(lengths.size(), 6u);
  EXPECT_DOUBLE_EQ(lengths[0], 0);
  EXPECT_DOUBLE_EQ(lengths[1], 75);
  EXPECT_DOUBLE_EQ(lengths[2], 150);
  EXPECT_DOUBLE_EQ(lengths[3], 300);
  EXPECT_DOUBLE_EQ(lengths[4], 0);    // a negative value draws no bar
  EXPECT_DOUBLE_EQ(lengths[5], 300);  // never past the axis
  EXPECT_EQ(BarLengths({5}, 0, 300), std::vector<double>{0});
}

BarChart Chart(BarDirection direction, std::vector<ChartBar> bars) {
  return BarChart{.id = "c", .title = "Gasto <por> mês", .value_axis = "gasto (R$)", .direction = direction,
                  .bars = std::move(bars),
                  .tick_label = [](double reais) { return MoneyText(static_cast<int64_t>(reais * 100)); },
                  .empty_text = "nada"};
}

// The width or height attributes of the chart's bars, in order.
std::vector<double> BarSizes(const std::string& svg, const std::string& attribute) {
  std::vector<double> sizes;
  const std::regex bar("<rect class=\"bar\"[^>]* " + attribute + "=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it) {
    sizes.push_back(std::stod((*it)[1]));
  }
  return sizes;
}

TEST(BarChartSvgTest, RowsDrawOneBarPerValueProportionallyWithMoneyLabels) {
  const std::string svg = BarChartSvg(Chart(BarDirection::kRows, {{"jan/2026", 1000, "R$ 1.000,00"},
                                                                   {"fev/2026", 500, "R$ 500,00"},
                                                                   {"<b>", 0, "R$ 0,00"}}));
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"c\"", 0), 0u);
  EXPECT_EQ(Occurrences(svg, "<rect class=\"bar\""), 3);
  const std::vector<double> widths = BarSizes(svg, "width");
  ASSERT_EQ(widths.size(), 3u);
  EXPECT_GT(widths[0], 100);
  EXPECT_NEAR(widths[1], widths[0] / 2, 0.1);
  EXPECT_DOUBLE_EQ(widths[2], 0);
  // The axis runs 0 to R$ 1.000,00 in steps of R$ 200,00, and each bar says its value.
  EXPECT_NE(svg.find(">R$ 0,00</text>"), std::string::npos);
  EXPECT_NE(svg.find(">R$ 200,00</text>"), std::string::npos);
  EXPECT_NE(svg.find(">R$ 1.000,00</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>jan/2026: R$ 1.000,00</title>"), std::string::npos);
  EXPECT_NE(svg.find(">gasto (R$)</text>"), std::string::npos);
  // Text from the data is escaped.
  EXPECT_NE(svg.find(">&lt;b&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find("Gasto &lt;por&gt; mês"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
}

TEST(BarChartSvgTest, ColumnsGrowUpFromTheAxisAndCrowdedLabelsAreThinnedOut) {
  std::vector<ChartBar> days;
  for (int day = 1; day <= 90; ++day) days.push_back({"d" + std::to_string(day), double(day), std::to_string(day)});
  const std::string svg = BarChartSvg(Chart(BarDirection::kColumns, days));
  EXPECT_EQ(Occurrences(svg, "<rect class=\"bar\""), 90);
  const std::vector<double> heights = BarSizes(svg, "height");
  ASSERT_EQ(heights.size(), 90u);
  EXPECT_NEAR(heights[89], heights[44] * 2, 0.2);
  // 90 bars on about 620 points: a label every 10th bar, and no value above bars that narrow.
  EXPECT_EQ(Occurrences(svg, "class=\"label\""), 9);
  EXPECT_EQ(Occurrences(svg, "class=\"value\""), 0);
}

TEST(BarChartSvgTest, AChartWithoutBarsSaysSo) {
  const std::string svg = BarChartSvg(Chart(BarDirection::kRows, {}));
  EXPECT_EQ(Occurrences(svg, "<rect class=\"bar\""), 0);
  EXPECT_NE(svg.find(">nada</text>"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::report
