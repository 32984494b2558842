// An SVG line chart of one product x component failure-rate series with its
// alerts marked: `faultgraph trends --plot out.svg`.
#pragma once

#include <string>
#include <vector>

#include "api/gen-cpp/faultgraph_types.h"

namespace faultgraph::cli {

// The SVG document for `series`, marking the alerts of the same pair: the
// monthly rate, the band expected from the trailing `baseline_months`
// (the baseline rate ± 2 standard deviations of a Poisson count at that
// month's units in service), axis titles, a legend, and alert labels on
// rows of their own. Text in the CLI's language.
std::string PlotRateSeries(const api::RateSeries& series, const api::TrendReport& report,
                           int baseline_months);

// Axis ticks from 0: a step of 1, 2 or 5 x 10^k giving at most `max_ticks`
// intervals up to a top at or above `max_value` (> 0).
std::vector<double> NiceTicks(double max_value, int max_ticks);

}  // namespace faultgraph::cli
