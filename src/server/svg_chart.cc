#include "server/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sb::server {
namespace {

constexpr double kW = 960, kH = 360, kLeft = 56, kRight = 56, kTop = 40, kBottom = 48;

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Formats up to four numbers (every conversion in `f` must be a floating one).
std::string Fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, f, a, b, c, d);
  return buf;
}

}  // namespace

std::string RenderSvg(const Chart& c) {
  const std::size_t n = std::max<std::size_t>(c.labels.size(), 1);
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  const double step = pw / static_cast<double>(n);
  double bar_max = 0;
  for (double v : c.bars.values) {
    if (std::isfinite(v)) bar_max = std::max(bar_max, v);
  }
  bar_max = bar_max <= 0 ? 1 : bar_max * 1.1;
  std::string svg =
      Fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
          "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
          kW, kH, kW, kH);
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += Fmt("<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", kLeft) +
         Escape(c.title) + "</text>\n";
  for (int pct = 0; pct <= 100; pct += 20) {
    const double y = kTop + ph * (1 - pct / 100.0);
    svg += Fmt("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", kLeft,
               kLeft + pw, y, y);
    svg += Fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f%%</text>\n", kLeft - 6, y + 4,
               pct);
    svg += Fmt("<text x=\"%.1f\" y=\"%.1f\">%.1f</text>\n", kLeft + pw + 6, y + 4,
               bar_max * pct / 100.0);
  }
  for (std::size_t i = 0; i < c.bars.values.size() && i < n; ++i) {
    const double v = c.bars.values[i];
    if (!std::isfinite(v) || v <= 0) continue;
    const double h = ph * v / bar_max;
    svg += Fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#9ecae1\"/>\n",
               kLeft + step * static_cast<double>(i) + step * 0.15, kTop + ph - h, step * 0.7, h);
  }
  if (c.line_target >= 0) {
    const double y = kTop + ph * (1 - c.line_target / 100.0);
    svg +=
        Fmt("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e6550d\" "
            "stroke-dasharray=\"6 4\"/>\n",
            kLeft, kLeft + pw, y, y);
  }
  std::string path;
  for (std::size_t i = 0; i < c.line.values.size() && i < n; ++i) {
    const double v = c.line.values[i];
    if (!std::isfinite(v)) continue;
    const double x = kLeft + step * (static_cast<double>(i) + 0.5);
    const double y = kTop + ph * (1 - std::clamp(v, 0.0, 100.0) / 100.0);
    path += Fmt("%.1f,%.1f ", x, y);
    svg += Fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#31a354\"/>\n", x, y);
  }
  if (!path.empty())
    svg +=
        "<polyline fill=\"none\" stroke=\"#31a354\" stroke-width=\"2\" points=\"" + path + "\"/>\n";
  const std::size_t every = std::max<std::size_t>(1, n / 12);
  for (std::size_t i = 0; i < c.labels.size(); i += every) {
    svg += Fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
               kLeft + step * (static_cast<double>(i) + 0.5), kTop + ph + 16) +
           Escape(c.labels[i]) + "</text>\n";
  }
  svg += Fmt("<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"3\" fill=\"#31a354\"/>", kLeft,
             kH - 14);
  svg += Fmt("<text x=\"%.0f\" y=\"%.0f\">", kLeft + 16, kH - 10) + Escape(c.line.name) + "</text>";
  svg += Fmt("<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"10\" fill=\"#9ecae1\"/>",
             kLeft + 260, kH - 18);
  svg += Fmt("<text x=\"%.0f\" y=\"%.0f\">", kLeft + 276, kH - 10) + Escape(c.bars.name) +
         " (right axis)</text>\n";
  svg += "</svg>\n";
  return svg;
}

}  // namespace sb::server
