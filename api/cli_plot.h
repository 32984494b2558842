// An SVG line chart of one product x component failure-rate series with its
// alerts marked: `faultgraph trends --plot out.svg`.
#pragma once

#include <string>

#include "api/gen-cpp/faultgraph_types.h"

namespace faultgraph::cli {

// The SVG document for `series`, marking the alerts of the same pair.
std::string PlotRateSeries(const api::RateSeries& series, const api::TrendReport& report);

}  // namespace faultgraph::cli
