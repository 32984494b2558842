// The support agent's commands: root cause, search and similar cases, a
// case, an asset (360 and timeline), a product, graph neighbours and
// recording a technician's outcome. Each returns the process's exit code
// (0; 3 not found comes from the API's NotFound, caught in main).
#pragma once

#include <string>

#include "api/cli_args.h"
#include "api/gen-cpp/FaultGraph.h"

namespace faultgraph::ingest {
class TextRules;
}

namespace faultgraph::cli {

int CmdRootCause(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdSearch(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdSimilar(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdCase(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdAsset(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdProduct(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdNeighbours(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdOutcome(api::FaultGraphIf& fg, const Args& a, bool as_json);

// The text rules that name symptoms and causes in answers ("不制冷 (no_cooling)"):
// the embedded run's, or (--server) a file read on first use.
void SetNameRules(const ingest::TextRules* rules);
void SetNameRulesPath(const std::string& path);

}  // namespace faultgraph::cli
