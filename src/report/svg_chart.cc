#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/html.h"

namespace sicoop::report {
namespace {

// A coordinate with one decimal: enough for a screen, short in the page.
std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

std::string Text(double x, double y, const std::string& css_class, const std::string& anchor, const std::string& text) {
  return "<text class=\"" + css_class + "\" x=\"" + Number(x) + "\" y=\"" + Number(y) + "\" text-anchor=\"" + anchor +
         "\">" + HtmlEscape(text) + "</text>";
}

std::string Line(double x1, double y1, double x2, double y2, const std::string& css_class) {
  return "<line class=\"" + css_class + "\" x1=\"" + Number(x1) + "\" y1=\"" + Number(y1) + "\" x2=\"" + Number(x2) +
         "\" y2=\"" + Number(y2) + "\"/>";
}

std::string Bar(double x, double y, double width, double height, const ChartBar& bar) {
  return "<rect class=\"bar\" x=\"" + Number(x) + "\" y=\"" + Number(y) + "\" width=\"" + Number(width) +
         "\" height=\"" + Number(height) + "\"><title>" + HtmlEscape(bar.label + ": " + bar.value_label) +
         "</title></rect>";
}

std::string Open(const BarChart& chart, double width, double height) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + HtmlEscape(chart.id) +
         "\" viewBox=\"0 0 " + Number(width) + " " + Number(height) + "\" width=\"" + Number(width) + "\" height=\"" +
         Number(height) + "\" role=\"img\" aria-labelledby=\"" + HtmlEscape(chart.id) + "-title\"><title id=\"" +
         HtmlEscape(chart.id) + "-title\">" + HtmlEscape(chart.title) + "</title>";
}

std::vector<double> Values(const BarChart& chart) {
  std::vector<double> values;
  for (const ChartBar& bar : chart.bars) values.push_back(bar.value);
  return values;
}

constexpr double kWidth = 720;
constexpr int kMaxTicks = 5;

// Horizontal bars: the label column, the bars, room for the value after the longest.
std::string RowsSvg(const BarChart& chart) {
  constexpr double kLabelWidth = 140, kValueRoom = 110, kRowHeight = 24, kTop = 8, kAxisHeight = 40;
  const double plot_left = kLabelWidth, plot_width = kWidth - kLabelWidth - kValueRoom - 10;
  const double rows = static_cast<double>(std::max<size_t>(chart.bars.size(), 1));
  const double height = kTop + rows * kRowHeight + kAxisHeight;
  const double plot_bottom = kTop + rows * kRowHeight;
  const std::vector<double> values = Values(chart);
  const ValueAxis axis = NiceAxis(values.empty() ? 0 : *std::max_element(values.begin(), values.end()), kMaxTicks,
                                  chart.whole_numbers);
  std::string svg = Open(chart, kWidth, height);
  for (double tick = 0; tick <= axis.max + axis.step / 2; tick += axis.step) {
    const double x = plot_left + tick / axis.max * plot_width;
    svg += Line(x, kTop, x, plot_bottom, "grid");
    svg += Text(x, plot_bottom + 14, "tick", "middle", chart.tick_label(tick));
  }
  svg += Line(plot_left, kTop, plot_left, plot_bottom, "axis");
  svg += Text(plot_left + plot_width / 2, plot_bottom + 32, "axis-name", "middle", chart.value_axis);
  const std::vector<double> lengths = BarLengths(values, axis.max, plot_width);
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const double y = kTop + static_cast<double>(i) * kRowHeight;
    svg += "<g>" + Bar(plot_left, y + 4, lengths[i], kRowHeight - 8, chart.bars[i]);
    svg += Text(plot_left - 6, y + kRowHeight / 2 + 4, "label", "end", chart.bars[i].label);
    svg += Text(plot_left + lengths[i] + 6, y + kRowHeight / 2 + 4, "value", "start", chart.bars[i].value_label) + "</g>";
  }
  if (chart.bars.empty()) svg += Text(plot_left + plot_width / 2, kTop + kRowHeight / 2 + 4, "empty", "middle", chart.empty_text);
  return svg + "</svg>";
}

// Vertical bars: the tick labels to the left, the bars' labels below, a value above each bar when
// the bars are wide enough for it.
std::string ColumnsSvg(const BarChart& chart) {
  constexpr double kHeight = 280, kLeft = 90, kRight = 10, kTop = 20, kBottom = 56;
  constexpr double kLabelRoom = 64, kValueRoom = 56;  // the width a bar's label or value needs
  const double plot_width = kWidth - kLeft - kRight, plot_height = kHeight - kTop - kBottom;
  const double plot_bottom = kTop + plot_height;
  const std::vector<double> values = Values(chart);
  const ValueAxis axis = NiceAxis(values.empty() ? 0 : *std::max_element(values.begin(), values.end()), kMaxTicks,
                                  chart.whole_numbers);
  std::string svg = Open(chart, kWidth, kHeight);
  for (double tick = 0; tick <= axis.max + axis.step / 2; tick += axis.step) {
    const double y = plot_bottom - tick / axis.max * plot_height;
    svg += Line(kLeft, y, kLeft + plot_width, y, "grid");
    svg += Text(kLeft - 6, y + 4, "tick", "end", chart.tick_label(tick));
  }
  svg += Line(kLeft, plot_bottom, kLeft + plot_width, plot_bottom, "axis");
  svg += Text(kLeft + plot_width / 2, kHeight - 6, "axis-name", "middle", chart.value_axis);
  const double slot = plot_width / static_cast<double>(std::max<size_t>(chart.bars.size(), 1));
  // Every label_every-th bar is labelled, so that the labels never overlap.
  const size_t label_every = static_cast<size_t>(std::ceil(kLabelRoom / slot));
  const std::vector<double> lengths = BarLengths(values, axis.max, plot_height);
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const double x = kLeft + static_cast<double>(i) * slot;
    svg += "<g>" + Bar(x + slot * 0.15, plot_bottom - lengths[i], std::max(slot * 0.7, 1.0), lengths[i], chart.bars[i]);
    if (i % label_every == 0) svg += Text(x + slot / 2, plot_bottom + 16, "label", "middle", chart.bars[i].label);
    if (slot >= kValueRoom) {
      svg += Text(x + slot / 2, plot_bottom - lengths[i] - 4, "value", "middle", chart.bars[i].value_label);
    }
    svg += "</g>";
  }
  if (chart.bars.empty()) svg += Text(kLeft + plot_width / 2, kTop + plot_height / 2, "empty", "middle", chart.empty_text);
  return svg + "</svg>";
}

}  // namespace

ValueAxis NiceAxis(double largest, int max_ticks, bool whole_numbers) {
  if (!(largest > 0)) return {};  // also NaN
  const double rough = largest / max_ticks;
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  double step = 10 * power;
  for (double multiple : {1.0, 2.0, 5.0}) {
    if (multiple * power >= rough) {
      step = multiple * power;
      break;
    }
  }
  if (whole_numbers) step = std::max(1.0, std::ceil(step));
  return {std::ceil(largest / step) * step, step};
}

std::vector<double> BarLengths(const std::vector<double>& values, double axis_max, double full_length) {
  std::vector<double> lengths;
  for (double value : values) {
    const double length = axis_max > 0 ? value / axis_max * full_length : 0;
    lengths.push_back(std::clamp(std::isnan(length) ? 0 : length, 0.0, full_length));
  }
  return lengths;
}

std::string BarChartSvg(const BarChart& chart) {
  return chart.direction == BarDirection::kRows ? RowsSvg(chart) : ColumnsSvg(chart);
}

}  // namespace sicoop::report
