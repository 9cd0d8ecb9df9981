#pragma once
// A small SVG line/bar chart for reports: one x axis of labelled points, bars on the right
// axis, one line on the left axis (0..100 %). Self-contained SVG, no script, no fonts to fetch.

#include <string>
#include <vector>

namespace sb::server {

struct ChartSeries {
  std::string name;
  std::vector<double> values;  // NaN: no point
};

struct Chart {
  std::string title;
  std::vector<std::string> labels;  // x axis, one per point
  ChartSeries line;                 // percent, 0..100, left axis
  double line_target = -1;          // dashed horizontal target line (percent), < 0: none
  ChartSeries bars;                 // right axis, scaled to its maximum
};

std::string RenderSvg(const Chart& chart);

}  // namespace sb::server
