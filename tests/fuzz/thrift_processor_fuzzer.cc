// Fuzzes the Thrift API as a client reaches it: raw request frames fed to
// the generated FaultGraphProcessor over the real Handler, with a graph
// store, ingest pipeline and search index in a scratch directory that holds
// a sample of ops/sample (so that lookups and searches find something). The first
// byte picks the protocol (even: binary, as faultgraphd serves; odd:
// compact), with faultgraphd's string and container limits; the rest is
// read as consecutive calls on one connection, as TThreadedServer does.
#include <thrift/TConfiguration.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "api/handler.h"
#include "api/search_service.h"
#include "api/server.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace faultgraph;
using apache::thrift::TConfiguration;
using apache::thrift::protocol::TBinaryProtocolFactory;
using apache::thrift::protocol::TCompactProtocolFactoryT;
using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TProtocolFactory;
using apache::thrift::transport::TMemoryBuffer;

// The store, index and handler, opened once per process.
struct Service {
  std::unique_ptr<graph::GraphStore> store;
  std::unique_ptr<ingest::IngestPipeline> pipeline;
  std::unique_ptr<api::SearchService> search;
  std::shared_ptr<api::Handler> handler;
  std::shared_ptr<api::FaultGraphProcessor> processor;

  Service() {
    std::string dir = fuzz::ScratchDir().string();
    store = std::move(graph::GraphStore::Open(dir + "/db")).value();
    pipeline = std::make_unique<ingest::IngestPipeline>(store.get());
    // No background thread: each input sees the same index.
    search = std::move(api::SearchService::Open(store.get(), dir + "/index", false)).value();
    handler = std::make_shared<api::Handler>(store.get(), pipeline.get(), search.get());
    Load();
    processor = std::make_shared<api::FaultGraphProcessor>(handler);
  }

  // Products, fixes and the first tickets of ops/sample through the
  // simulator's mappings.
  void Load() {
    const std::string src = FAULTGRAPH_SOURCE_DIR;
    auto ingest = [&](const std::string& mapping, const std::string& file) {
      api::IngestResult r;
      handler->ingestFile(r, src + "/ops/simulator/mappings/" + mapping, file);
    };
    ingest("products.toml", src + "/ops/sample/erp/products.csv");
    ingest("fixes.toml", src + "/ops/sample/crm/fixes.csv");
    std::ifstream tickets(src + "/ops/sample/crm/tickets.csv");
    std::string head, line;
    for (int i = 0; i < 40 && std::getline(tickets, line); ++i) head += line + "\n";
    ingest("tickets.toml", fuzz::WriteScratch("tickets.csv", head));
    (void)search->CatchUp();
  }
};

// faultgraphd's bounds (api/server.h ServerOptions).
constexpr int kMaxMessageBytes = 16 * 1024 * 1024;
constexpr int kMaxStringBytes = 4 * 1024 * 1024;
constexpr int kMaxContainerItems = 100'000;

// A protocol factory with faultgraphd's limits, as api/server.cc sets them.
template <typename Factory>
std::shared_ptr<Factory> Bounded() {
  auto f = std::make_shared<Factory>();
  f->setStringSizeLimit(kMaxStringBytes);
  f->setContainerSizeLimit(kMaxContainerItems);
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Service service;
  if (size < 1) return 0;
  auto config = std::make_shared<TConfiguration>(kMaxMessageBytes);
  auto in = std::make_shared<TMemoryBuffer>(const_cast<uint8_t*>(data + 1),
                                            static_cast<uint32_t>(size - 1), TMemoryBuffer::OBSERVE,
                                            config);
  auto out = std::make_shared<TMemoryBuffer>(config);
  static const std::shared_ptr<TProtocolFactory> binary = Bounded<TBinaryProtocolFactory>();
  static const std::shared_ptr<TProtocolFactory> compact =
      Bounded<TCompactProtocolFactoryT<TMemoryBuffer>>();
  const auto& factory = data[0] % 2 == 0 ? binary : compact;
  std::shared_ptr<TProtocol> pin = factory->getProtocol(in), pout = factory->getProtocol(out);
  try {
    // Calls on one connection until the input runs out or is malformed
    // (the server then closes the connection, as here).
    for (int calls = 0; calls < 8 && in->available_read() > 0; ++calls) {
      if (!service.processor->process(pin, pout, nullptr)) break;
      out->resetBuffer();
    }
  } catch (const apache::thrift::TException&) {
  }
  return 0;
}
