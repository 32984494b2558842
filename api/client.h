// A connection to faultgraphd that implements the same interface as the
// in-process Handler, so the CLI runs one code path in both modes.
#pragma once

#include <memory>
#include <string>

#include "api/gen-cpp/FaultGraph.h"
#include "api/tls_config.h"
#include "common/status.h"

namespace faultgraph::api {

struct ClientOptions {
  // An API token: the connection signs in with it (authenticate) before
  // returning. Empty: not signed in (faultgraphd refuses every call).
  std::string token;
  // TLS to the server (api/tls_config.h): its certificate must chain to
  // tls.ca_file (else the system's CAs) and name the host dialled.
  TlsClientOptions tls;
};

// "HOST:PORT" (or ":PORT" for localhost). InvalidArgument for a malformed
// address; IOError when nothing answers there; Unauthenticated from
// sign-in becomes InvalidArgument naming the problem; a failed TLS
// handshake is an IOError that says what to check.
Result<std::shared_ptr<FaultGraphIf>> ConnectToServer(const std::string& address,
                                                      const ClientOptions& options = {});

// The token of the CLI and other clients: the file `token_file` when given,
// else $FAULTGRAPH_TOKEN, else $FAULTGRAPH_TOKEN_FILE; "" when none is set.
// Never from a command-line value (other users can read those in ps).
Result<std::string> FindToken(const std::string& token_file);

// The TLS options of the CLI and other clients: the given files, else
// $FAULTGRAPH_TLS_CA, $FAULTGRAPH_TLS_CERT, $FAULTGRAPH_TLS_KEY; TLS is on
// when `tls` is set or a CA is known.
TlsClientOptions FindTlsOptions(bool tls, const std::string& ca_file, const std::string& cert_file,
                                const std::string& key_file);

}  // namespace faultgraph::api
