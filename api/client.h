// A connection to faultgraphd that implements the same interface as the
// in-process Handler, so the CLI runs one code path in both modes.
#pragma once

#include <memory>
#include <string>

#include "api/gen-cpp/FaultGraph.h"
#include "common/status.h"

namespace faultgraph::api {

// "HOST:PORT" (or ":PORT" for localhost). InvalidArgument for a malformed
// address; IOError when nothing answers there.
Result<std::shared_ptr<FaultGraphIf>> ConnectToServer(const std::string& address);

}  // namespace faultgraph::api
