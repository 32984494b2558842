// The R&D engineer's commands: repeat failures (and repeat contacts),
// failure-rate trends with alerts, cohorts, the feed and the chart, and
// service KPIs with their definitions.
#pragma once

#include "api/cli_args.h"
#include "api/gen-cpp/FaultGraph.h"

namespace faultgraph::cli {

int CmdRepeats(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdTrends(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdKpi(api::FaultGraphIf& fg, const Args& a, bool as_json);

}  // namespace faultgraph::cli
