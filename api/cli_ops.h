// The operator's data commands: loading files, sources and counts, the
// dead-letter store, and the search index (rebuild, verify). Connectors,
// users and audit are in cli_connectors.h and cli_security.h.
#pragma once

#include <atomic>

#include "api/cli_args.h"
#include "api/gen-cpp/FaultGraph.h"

namespace faultgraph::api {
class Handler;
}

namespace faultgraph::cli {

// `local`: the embedded handler (a progress bar per file), null with
// --server. Stops between files once `stop` is set.
int CmdIngest(api::FaultGraphIf& fg, api::Handler* local, const Args& a, bool as_json,
              const std::atomic<bool>& stop);
int CmdStatus(api::FaultGraphIf& fg, bool as_json);
int CmdDlq(api::FaultGraphIf& fg, const Args& a, bool as_json);
int CmdReindex(api::FaultGraphIf& fg, bool as_json);
int CmdVerify(api::FaultGraphIf& fg, const Args& a, bool as_json);

}  // namespace faultgraph::cli
