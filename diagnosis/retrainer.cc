#include "diagnosis/retrainer.h"

#include "graph/graph_store.h"

namespace faultgraph::diagnosis {

void Retrainer::LoadExisting() {
  auto m = LoadModels(dir_);
  if (m.ok()) {
    const auto& i = (*m)->component_info;
    log_("root cause: model loaded (" + std::to_string(i.cases) + " cases, " +
         std::to_string(i.labels.size()) + " components, held-back top-1 " +
         std::to_string(static_cast<int>(i.held_back.blend_top1 * 100 + 0.5)) + " %)");
    for (const auto& w : (*m)->warnings) log_("root cause: " + w);
    diagnoser_->SetModels(std::move(*m));
  } else if (!m.status().IsNotFound()) {
    log_("root cause: model not used, answering without it: " + m.status().message());
  }
}

bool Retrainer::CheckOnce() {
  const uint64_t seq = store_->LastOutboxSeq();
  auto current = diagnoser_->models();
  bool due;
  if (current != nullptr) {
    const uint64_t seen = current->component_info.graph_seq;
    due = seq > seen &&
          static_cast<double>(seq - seen) >= options_.growth * static_cast<double>(seen);
  } else {
    due = seq != last_try_seq_;
  }
  if (!due) return false;
  last_try_seq_ = seq;
  TrainOptions o = options_.train;
  o.cancel = &cancel_;
  // On the retrainer's thread: an exception from a library (fastText,
  // liblinear) costs this model, not the process.
  auto m = CatchExceptions(
      "training", [&] { return TrainModels(*store_, *diagnoser_, *rules_, dir_, o, log_); });
  if (!m.ok()) {
    log_("root cause: no new model: " + m.status().message());
    return false;
  }
  const auto& i = (*m)->component_info;
  log_("root cause: new model in use (" + std::to_string(i.cases) + " cases, trained in " +
       std::to_string(static_cast<int>(i.train_seconds + 0.5)) + " s)");
  diagnoser_->SetModels(std::move(*m));
  return true;
}

void Retrainer::Start() {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, options_.interval, [this] { return stop_; })) {
      lock.unlock();
      CheckOnce();
      lock.lock();
    }
  });
}

void Retrainer::Stop() {
  cancel_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace faultgraph::diagnosis
