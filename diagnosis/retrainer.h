// The daemon's model upkeep: loads the trained models of <data>/models at
// start, and retrains in the background when the graph has grown by
// `growth` (5 %) since the models' graph sequence — or, without models,
// whenever the graph has changed since the last try — checking every
// `interval`. New models are swapped into the Diagnoser atomically; answers
// in flight keep the models they started with.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "diagnosis/diagnose.h"
#include "diagnosis/trainer.h"

namespace faultgraph::diagnosis {

struct RetrainOptions {
  std::chrono::seconds interval{600};
  double growth = 0.05;
  TrainOptions train;
};

class Retrainer {
 public:
  // Not owned; must outlive the retrainer.
  Retrainer(const graph::GraphStore* store, Diagnoser* diagnoser, const ingest::TextRules* rules,
            std::string models_dir, RetrainOptions options,
            std::function<void(const std::string&)> log)
      : store_(store),
        diagnoser_(diagnoser),
        rules_(rules),
        dir_(std::move(models_dir)),
        options_(std::move(options)),
        log_(std::move(log)) {}
  ~Retrainer() { Stop(); }

  // Loads what is there (a damaged model is logged and left unused).
  void LoadExisting();
  // The background thread: the first check after one interval (a daemon
  // starts serving at once); Stop() ends a training in progress early.
  void Start();
  void Stop();
  // One check now (what the thread does each interval): true when it trained.
  bool CheckOnce();

 private:
  const graph::GraphStore* store_;
  Diagnoser* diagnoser_;
  const ingest::TextRules* rules_;
  std::string dir_;
  RetrainOptions options_;
  std::function<void(const std::string&)> log_;
  uint64_t last_try_seq_ = 0;
  std::atomic<bool> cancel_{false};  // Stop(): a training in progress ends early
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace faultgraph::diagnosis
