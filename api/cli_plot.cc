#include "api/cli_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "api/cli_format.h"
#include "api/cli_messages.h"

namespace faultgraph::cli {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A tick label: no more decimals than the step needs.
std::string TickLabel(double v, double step) {
  char buf[32];
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
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

std::string Text(double x, double y, const std::string& text, const std::string& extra = "") {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\"" + (extra.empty() ? "" : " " + extra) +
         ">" + Escape(text) + "</text>\n";
}

// Per point: the rate expected from the trailing window and its ±2 sd
// band, or nothing before the window is full or without units.
struct Expected {
  bool known = false;
  double rate = 0, low = 0, high = 0;
};

std::vector<Expected> ExpectedBand(const std::vector<api::RatePoint>& pts, int baseline) {
  std::vector<Expected> out(pts.size());
  for (size_t i = static_cast<size_t>(std::max(baseline, 1)); i < pts.size(); ++i) {
    double failures = 0, installed = 0;
    for (size_t j = i - static_cast<size_t>(baseline); j < i; ++j) {
      failures += static_cast<double>(pts[j].failures);
      installed += static_cast<double>(pts[j].installed);
    }
    const double units = static_cast<double>(pts[i].installed);
    if (installed <= 0 || units <= 0) continue;
    const double per_unit = failures / installed;
    const double sd = std::sqrt(per_unit * units) / units;  // of a Poisson count, as a rate
    out[i] = {true, 1000 * per_unit, 1000 * std::max(0.0, per_unit - 2 * sd),
              1000 * (per_unit + 2 * sd)};
  }
  return out;
}

}  // namespace

std::vector<double> NiceTicks(double max_value, int max_ticks) {
  if (!(max_value > 0)) max_value = 1;
  max_ticks = std::max(max_ticks, 1);
  const double raw = max_value / max_ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power * 10;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw * (1 - 1e-9)) {
      step = m * power;
      break;
    }
  }
  std::vector<double> ticks;
  for (int k = 0;; ++k) {
    ticks.push_back(step * k);
    if (step * k >= max_value * (1 - 1e-9)) break;
  }
  return ticks;
}

std::string PlotRateSeries(const api::RateSeries& series, const api::TrendReport& report,
                           int baseline_months) {
  const double W = 900, H = 460, left = 80, right = 30, top = 60, bottom = 70;
  const auto& pts = series.points;
  const std::vector<Expected> expected = ExpectedBand(pts, baseline_months);
  double highest = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    highest = std::max(highest, pts[i].per1000);
    if (expected[i].known) highest = std::max(highest, expected[i].high);
  }
  const std::vector<double> ticks = NiceTicks(highest * 1.05, 5);
  const double step = ticks.size() > 1 ? ticks[1] : 1, ymax = ticks.back();
  const size_t n = std::max<size_t>(pts.size(), 2);
  auto x = [&](size_t i) { return left + (W - left - right) * i / (n - 1); };
  auto y = [&](double v) { return top + (H - top - bottom) * (1 - v / ymax); };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Num(W) + "\" height=\"" +
                    Num(H) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += Text(left, 24,
              TrF("{0} × {1}: failures per 1,000 units in service, by month",
                  {series.product, series.component}),
              "font-size=\"16\"");
  // Grid and y ticks.
  for (double v : ticks) {
    svg += "<line x1=\"" + Num(left) + "\" x2=\"" + Num(W - right) + "\" y1=\"" + Num(y(v)) +
           "\" y2=\"" + Num(y(v)) + "\" stroke=\"#ddd\"/>\n";
    svg += Text(left - 8, y(v) + 4, TickLabel(v, step), "text-anchor=\"end\"");
  }
  svg += "<line x1=\"" + Num(left) + "\" x2=\"" + Num(left) + "\" y1=\"" + Num(top) + "\" y2=\"" +
         Num(H - bottom) + "\" stroke=\"#555\"/>\n";
  svg += "<line x1=\"" + Num(left) + "\" x2=\"" + Num(W - right) + "\" y1=\"" + Num(H - bottom) +
         "\" y2=\"" + Num(H - bottom) + "\" stroke=\"#555\"/>\n";
  // x ticks: at most 12 labels, on a whole number of months.
  const size_t every = std::max<size_t>(1, (pts.size() + 11) / 12);
  for (size_t i = 0; i < pts.size(); i += every) {
    svg += "<line x1=\"" + Num(x(i)) + "\" x2=\"" + Num(x(i)) + "\" y1=\"" + Num(H - bottom) +
           "\" y2=\"" + Num(H - bottom + 5) + "\" stroke=\"#555\"/>\n";
    svg += Text(x(i), H - bottom + 18, FormatMonth(pts[i].month), "text-anchor=\"middle\"");
  }
  // Axis titles.
  svg += Text(left + (W - left - right) / 2, H - bottom + 40, Tr("month the case opened"),
              "text-anchor=\"middle\" fill=\"#333\"");
  const double ymid = top + (H - top - bottom) / 2;
  svg +=
      Text(20, ymid, Tr("failures per 1,000 units in service"),
           "text-anchor=\"middle\" fill=\"#333\" transform=\"rotate(-90 20 " + Num(ymid) + ")\"");
  // The expected band, then the expected rate, under the series.
  std::string band_top, band_bottom, middle;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (!expected[i].known) continue;
    band_top += (band_top.empty() ? "M" : " L") + Num(x(i)) + " " + Num(y(expected[i].high));
    band_bottom = " L" + Num(x(i)) + " " + Num(y(expected[i].low)) + band_bottom;
    middle += (middle.empty() ? "M" : " L") + Num(x(i)) + " " + Num(y(expected[i].rate));
  }
  if (!band_top.empty()) {
    svg += "<path class=\"expected-band\" d=\"" + band_top + band_bottom +
           " Z\" fill=\"#bbb\" fill-opacity=\"0.35\" stroke=\"none\"/>\n";
    svg += "<path class=\"expected\" d=\"" + middle +
           "\" fill=\"none\" stroke=\"#888\" stroke-dasharray=\"5 4\"/>\n";
  }
  // The series.
  std::string path;
  for (size_t i = 0; i < pts.size(); ++i)
    path += (i == 0 ? "M" : " L") + Num(x(i)) + " " + Num(y(pts[i].per1000));
  svg += "<path class=\"rate\" d=\"" + path +
         "\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n";
  for (size_t i = 0; i < pts.size(); ++i)
    svg += "<circle cx=\"" + Num(x(i)) + "\" cy=\"" + Num(y(pts[i].per1000)) +
           "\" r=\"2.5\" fill=\"#1f77b4\"/>\n";
  // Alerts: a dashed line at the month, the point circled, and a label on
  // a row of its own (oldest first) so that close months never overlap.
  std::vector<const api::TrendAlert*> alerts;
  for (const auto& a : report.alerts)
    if (a.product == series.product && a.component == series.component) alerts.push_back(&a);
  std::sort(alerts.begin(), alerts.end(),
            [](const auto* p, const auto* q) { return p->month < q->month; });
  // The dashed lines start under the last label row, crossing no label.
  const double lines_from = top + 14 + 15 * static_cast<double>(alerts.size()) - 8;
  size_t row = 0;
  for (const auto* a : alerts) {
    for (size_t i = 0; i < pts.size(); ++i) {
      if (pts[i].month != a->month) continue;
      const double label_y = top + 14 + 15 * static_cast<double>(row++);
      svg += "<line x1=\"" + Num(x(i)) + "\" x2=\"" + Num(x(i)) + "\" y1=\"" + Num(lines_from) +
             "\" y2=\"" + Num(H - bottom) + "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n";
      const bool near_right = x(i) > W - right - 220;
      svg += Text(near_right ? x(i) - 4 : x(i) + 4, label_y,
                  TrF("alert {0}: {1} → {2}",
                      {FormatMonth(a->month), Num(a->rateBefore), Num(a->rateAfter)}),
                  std::string("class=\"alert-label\" fill=\"#d62728\"") +
                      (near_right ? " text-anchor=\"end\"" : ""));
      svg += "<circle cx=\"" + Num(x(i)) + "\" cy=\"" + Num(y(pts[i].per1000)) +
             "\" r=\"6\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n";
    }
  }
  // Legend, under the title.
  double lx = left;
  const double ly = 44;
  auto legend = [&](const std::string& swatch, const std::string& label) {
    svg += swatch;
    svg += Text(lx + 26, ly + 4, label, "class=\"legend\"");
    lx += 26 + static_cast<double>(DisplayWidth(label)) * 6.5 + 24;
  };
  legend("<line x1=\"" + Num(lx) + "\" x2=\"" + Num(lx + 20) + "\" y1=\"" + Num(ly) + "\" y2=\"" +
             Num(ly) + "\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n",
         Tr("monthly rate"));
  legend("<rect x=\"" + Num(lx) + "\" y=\"" + Num(ly - 5) +
             "\" width=\"20\" height=\"10\" fill=\"#bbb\" fill-opacity=\"0.5\"/>\n",
         TrF("expected from the {0} months before (±2 sd)", {std::to_string(baseline_months)}));
  legend("<line x1=\"" + Num(lx) + "\" x2=\"" + Num(lx + 20) + "\" y1=\"" + Num(ly) + "\" y2=\"" +
             Num(ly) + "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n",
         Tr("alert"));
  svg += "</svg>\n";
  return svg;
}

}  // namespace faultgraph::cli
