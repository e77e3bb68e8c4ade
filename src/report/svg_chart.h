// Bar charts drawn as inline SVG from the figures, for the report pages (docs/reports.md says why
// our own few lines rather than a charting library: the pages carry no script and no external
// asset, and a bar chart is rectangles and text). Each bar is a <rect class="bar"> with a <title>
// naming its label and value, so a reader (and a test) finds one element per bar.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sicoop::report {

struct ChartBar {
  std::string label;        // the bar's name on the category axis: "jan/2026", "farmácia"
  double value = 0;         // the length drawn; a negative value is drawn as none
  std::string value_label;  // the value as people read it, "R$ 1.234,56"
};

enum class BarDirection {
  kColumns,  // vertical bars, labels below (many bars: days); a label is left out where they crowd
  kRows,     // horizontal bars, labels to the left and values at the bars' ends (months, categories)
};

struct BarChart {
  std::string id;          // the <svg>'s id: letters, digits and '-'
  std::string title;       // the chart's accessible name
  std::string value_axis;  // the value axis' name, "gasto (R$)"
  BarDirection direction = BarDirection::kRows;
  std::vector<ChartBar> bars;
  // The value axis' tick labels from their values (MoneyText for money, CountText for counts).
  std::function<std::string(double)> tick_label;
  std::string empty_text;  // said in the chart when it has no bars
  bool whole_numbers = false;  // ticks on whole numbers only (counts)
};

// The value axis: from 0 to `max` in steps of `step` (1, 2 or 5 times a power of ten, at most
// `max_ticks` of them, at least 1 with whole numbers), max the first step at or above the largest
// value. Values <= 0 alone give one step.
struct ValueAxis {
  double max = 1;
  double step = 1;
};
ValueAxis NiceAxis(double largest, int max_ticks, bool whole_numbers);

// Each value's bar length on an axis of `axis_max` drawn `full_length` long: proportional, clamped
// to [0, full_length].
std::vector<double> BarLengths(const std::vector<double>& values, double axis_max, double full_length);

// The chart as an <svg> element (UTF-8; every text escaped).
std::string BarChartSvg(const BarChart& chart);

}  // namespace sicoop::report
