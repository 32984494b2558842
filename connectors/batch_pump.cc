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
  // An exception on either side (a source, a parser, a bad_alloc) becomes
  // the run's error: on the producer it would end the process, on this
  // thread it would leave the producer running and do the same.
  std::thread producer([&] {
    try {
      while (!abort.load()) {
        ingest::SourceBatch batch;
        auto more = CatchExceptions("reading the source", [&] { return next(&batch); });
        Item item;
        if (!more.ok() || !*more) {
          if (!more.ok()) item.source_error = more.status();
          queue.push(std::move(item));
          return;
        }
        auto prepared =
            CatchExceptions("preparing a batch", [&] { return pipeline.Prepare(batch); });
        if (!prepared.ok()) {
          item.store_error = prepared.status();
          queue.push(std::move(item));
          return;
        }
        item.batch = std::move(prepared).value();
        queue.push(std::move(item));
      }
      queue.push(Item{});
    } catch (...) {
      Item item;
      item.source_error = CurrentExceptionStatus("the reading thread");
      queue.push(std::move(item));
    }
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
    auto stats =
        CatchExceptions("committing a batch", [&] { return pipeline.Commit(*item.batch); });
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!stats.ok()) {
      result.store_error = stats.status();
      break;
    }
    bool go_on = false;
    try {
      go_on = committed(*item.batch, *stats, ms);
    } catch (...) {
      result.store_error = CurrentExceptionStatus("after a commit");
    }
    if (!go_on) break;
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
