#include "api/cli_plot.h"

#include <algorithm>
#include <cstdio>

#include "api/cli_format.h"

namespace faultgraph::cli {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string PlotRateSeries(const api::RateSeries& series, const api::TrendReport& report) {
  const double W = 900, H = 420, left = 70, right = 30, top = 50, bottom = 60;
  const auto& pts = series.points;
  double ymax = 0.1;
  for (const auto& p : pts) ymax = std::max(ymax, p.per1000);
  ymax *= 1.15;
  size_t n = std::max<size_t>(pts.size(), 2);
  auto x = [&](size_t i) { return left + (W - left - right) * i / (n - 1); };
  auto y = [&](double v) { return top + (H - top - bottom) * (1 - v / ymax); };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(W) + "\" height=\"" +
                    Num(H) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + Num(left) + "\" y=\"24\" font-size=\"16\">" + Escape(series.product) +
         " × " + Escape(series.component) +
         ": failures per 1,000 units in service per month</text>\n";
  // Axes, grid and labels.
  for (int k = 0; k <= 4; ++k) {
    double v = ymax * k / 4;
    svg += "<line x1=\"" + Num(left) + "\" x2=\"" + Num(W - right) + "\" y1=\"" + Num(y(v)) +
           "\" y2=\"" + Num(y(v)) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + Num(left - 8) + "\" y=\"" + Num(y(v) + 4) + "\" text-anchor=\"end\">" +
           Num(v) + "</text>\n";
  }
  for (size_t i = 0; i < pts.size(); i += std::max<size_t>(1, pts.size() / 12)) {
    svg += "<text x=\"" + Num(x(i)) + "\" y=\"" + Num(H - bottom + 18) +
           "\" text-anchor=\"middle\">" + FormatMonth(pts[i].month) + "</text>\n";
  }
  // Alerts: a red band from the first flagged month, and the month marked.
  for (const auto& a : report.alerts) {
    if (a.product != series.product || a.component != series.component) continue;
    for (size_t i = 0; i < pts.size(); ++i) {
      if (pts[i].month != a.month) continue;
      svg += "<line x1=\"" + Num(x(i)) + "\" x2=\"" + Num(x(i)) + "\" y1=\"" + Num(top) +
             "\" y2=\"" + Num(H - bottom) + "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n";
      svg += "<text x=\"" + Num(x(i) + 4) + "\" y=\"" + Num(top + 12) +
             "\" fill=\"#d62728\">alert " + FormatMonth(a.month) + ": " + Num(a.rateBefore) +
             " → " + Num(a.rateAfter) + "</text>\n";
      svg += "<circle cx=\"" + Num(x(i)) + "\" cy=\"" + Num(y(pts[i].per1000)) +
             "\" r=\"6\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n";
    }
  }
  std::string path;
  for (size_t i = 0; i < pts.size(); ++i)
    path += (i == 0 ? "M" : " L") + Num(x(i)) + " " + Num(y(pts[i].per1000));
  svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n";
  for (size_t i = 0; i < pts.size(); ++i)
    svg += "<circle cx=\"" + Num(x(i)) + "\" cy=\"" + Num(y(pts[i].per1000)) +
           "\" r=\"2.5\" fill=\"#1f77b4\"/>\n";
  svg += "<text x=\"" + Num(left) + "\" y=\"" + Num(H - 12) +
         "\" fill=\"#555\">month the case opened; units in service = shipped up to that month"
         "</text>\n</svg>\n";
  return svg;
}

}  // namespace faultgraph::cli
