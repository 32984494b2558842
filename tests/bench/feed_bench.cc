// feed_bench: how fast one client pulls the R&D feed over Thrift.
//
//   feed_bench [--items 100000] [--page 1000] [--dir DIR]
//
// Appends N feed items (about 300 bytes of payload each, like a repeat
// finding) to an empty store, starts the Thrift server on loopback, and
// pulls them all with one client page by page, following the cursor.
// Reports items/s and checks that every item came once, in order.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "tests/bench/bench_args.h"
#include "api/client.h"
#include "api/handler.h"
#include "api/server.h"

int main(int argc, char** argv) {
  using namespace faultgraph;
  int items = 100'000, page = 1000;
  std::string dir = "/tmp/fg_feed_bench";
  const faultgraph::bench::BenchArgs args(argc, argv,
                               "usage: feed_bench [--items N] [--page N] [--dir DIR]\n",
                               {"--items", "--page", "--dir"});
  items = static_cast<int>(args.GetInt("--items", items));
  page = static_cast<int>(args.GetInt("--page", page));
  dir = args.Get("--dir", dir);
  std::filesystem::remove_all(dir);
  auto store = graph::GraphStore::Open(dir + "/graph");
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  std::string payload(300, 'x');
  for (int done = 0; done < items;) {
    std::vector<graph::storage::FeedItem> batch;
    for (int k = 0; k < 10'000 && done < items; ++k, ++done) {
      graph::storage::FeedItem it;
      it.kind = "snapshot";
      it.key = "bench|" + std::to_string(done);
      it.product = "AC-350";
      it.component = "COMP-R32A";
      it.payload = "{\"pad\":\"" + payload + "\"}";
      batch.push_back(std::move(it));
    }
    auto r = (*store)->AppendFeed(std::move(batch));
    if (!r.ok()) return std::fprintf(stderr, "%s\n", r.status().ToString().c_str()), 1;
  }
  ingest::IngestPipeline pipeline(store->get());
  auto handler = std::make_shared<api::Handler>(store->get(), &pipeline, nullptr);
  api::ServerOptions options;
  options.port = 0;
  auto server = api::Server::Start(handler, options);
  if (!server.ok()) return std::fprintf(stderr, "%s\n", server.status().ToString().c_str()), 1;
  auto client = api::ConnectToServer("127.0.0.1:" + std::to_string((*server)->port()));
  if (!client.ok()) return std::fprintf(stderr, "%s\n", client.status().ToString().c_str()), 1;

  api::FeedPage first;
  (*client)->defectFeed(first, "", 1);  // the first call refreshes the (empty) analyses
  auto t0 = std::chrono::steady_clock::now();
  std::string cursor;
  int64_t got = 0, expect_seq = 1;
  bool in_order = true;
  for (;;) {
    api::FeedPage p;
    (*client)->defectFeed(p, cursor, page);
    if (p.items.empty()) break;
    for (const auto& it : p.items) in_order &= it.seq == expect_seq++;
    got += static_cast<int64_t>(p.items.size());
    cursor = p.nextCursor;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*server)->Stop();
  std::printf("items=%lld page=%d seconds=%.2f items_per_s=%.0f exactly_once_in_order=%s\n",
              static_cast<long long>(got), page, s, got / s,
              in_order && got == items ? "yes" : "NO");
  std::filesystem::remove_all(dir);
  return in_order && got == items ? 0 : 1;
}
