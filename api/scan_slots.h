// A bound on the requests that scan whole column families (status, repeats,
// trends, KPIs, repeat contacts, cohorts): each takes a slot for its scan;
// with every slot taken a request waits, and after `wait` it is refused as
// Busy instead of queueing without end behind scans that each take seconds
// at a million cases. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "common/status.h"

namespace faultgraph::api {

class ScanSlots {
 public:
  ScanSlots(int slots, std::chrono::milliseconds wait) : free_(slots), slots_(slots), wait_(wait) {}

  // Held while a scan runs; a default-constructed one holds nothing.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(ScanSlots* owner) : owner_(owner) {}
    Slot(Slot&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept {
      if (this != &o) {
        Release();
        owner_ = o.owner_;
        o.owner_ = nullptr;
      }
      return *this;
    }
    ~Slot() { Release(); }

   private:
    void Release() {
      if (owner_ != nullptr) owner_->Release();
      owner_ = nullptr;
    }
    ScanSlots* owner_ = nullptr;
  };

  // A slot for `what` (named in the refusal), or Busy after the wait.
  Result<Slot> Acquire(const std::string& what) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, wait_, [&] { return free_ > 0; })) {
      return Status::Busy(what + ": all " + std::to_string(slots_) +
                          " slots for whole-graph scans (status, repeats, trends, KPIs, "
                          "cohorts) stayed taken for " +
                          std::to_string(wait_.count()) + " ms; retry in a moment");
    }
    --free_;
    return Slot(this);
  }

 private:
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  const int slots_;
  const std::chrono::milliseconds wait_;
};

}  // namespace faultgraph::api
