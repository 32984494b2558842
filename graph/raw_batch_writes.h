// For tests only: any key of any column family into a batch, to build
// damaged stores and stores of an older layout. Production code writes
// through GraphBatch's typed calls.
#pragma once

#include <string>

#include "graph/graph_store.h"

namespace faultgraph::graph {

struct RawBatchWrites {
  static void Put(GraphBatch& b, Cf cf, std::string key, std::string value) {
    b.Put(cf, std::move(key), std::move(value));
  }
  static void Delete(GraphBatch& b, Cf cf, std::string key) { b.Delete(cf, std::move(key)); }
};

}  // namespace faultgraph::graph
