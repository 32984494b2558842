#include "connectors/batch_pump.h"

#include <tbb/concurrent_queue.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

namespace faultgraph::connectors {

PumpResult PumpBatches(ingest::IngestPipeline& pipeline, const NextBatchFn& next,
                       const CommittedFn& committed, size_t queue_batches) {
  struct Item {
    std::optional<ingest::PreparedBatch> batch;  // empty: the end
    Status source_error;
    Status store_error;
  };
  tbb::concurrent_bounded_queue<Item> queue;
  queue.set_capacity(static_cast<std::ptrdiff_t>(std::max<size_t>(1, queue_batches)));
  std::atomic<bool> abort{false};
  std::thread producer([&] {
    while (!abort.load()) {
      ingest::SourceBatch batch;
      auto more = next(&batch);
      Item item;
      if (!more.ok() || !*more) {
        if (!more.ok()) item.source_error = more.status();
        queue.push(std::move(item));
        return;
      }
      auto prepared = pipeline.Prepare(batch);
      if (!prepared.ok()) {
        item.store_error = prepared.status();
        queue.push(std::move(item));
        return;
      }
      item.batch = std::move(prepared).value();
      queue.push(std::move(item));
    }
    queue.push(Item{});
  });
  PumpResult result;
  bool producer_done = false;
  while (true) {
    Item item;
    queue.pop(item);
    if (!item.batch.has_value()) {
      producer_done = true;
      result.source_error = item.source_error;
      result.store_error = item.store_error;
      break;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto stats = pipeline.Commit(*item.batch);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!stats.ok()) {
      result.store_error = stats.status();
      break;
    }
    if (!committed(*item.batch, *stats, ms)) break;
  }
  abort = true;
  while (!producer_done) {  // let the producer finish the batch in hand
    Item item;
    queue.pop(item);
    producer_done = !item.batch.has_value();
  }
  producer.join();
  return result;
}

}  // namespace faultgraph::connectors
