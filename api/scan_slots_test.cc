// The bound on whole-graph scans: a request past it waits, then is refused
// by name; a released slot goes to a waiting request.
#include "api/scan_slots.h"

#include <gtest/gtest.h>

#include <thread>

namespace faultgraph::api {
namespace {

TEST(ScanSlots, APastTheBoundRequestWaitsThenIsRefusedByName) {
  ScanSlots slots(1, std::chrono::milliseconds(50));
  auto first = slots.Acquire("kpis");
  ASSERT_TRUE(first.ok());
  auto second = slots.Acquire("repeatFailures");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy);
  EXPECT_NE(second.status().message().find("repeatFailures"), std::string::npos);
  { auto gone = std::move(*first); }  // released
  EXPECT_TRUE(slots.Acquire("repeatFailures").ok());
}

TEST(ScanSlots, AReleasedSlotGoesToAWaitingRequest) {
  ScanSlots slots(1, std::chrono::seconds(30));
  auto held = slots.Acquire("defectTrends");
  ASSERT_TRUE(held.ok());
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    *held = ScanSlots::Slot();  // the scan ends
  });
  EXPECT_TRUE(slots.Acquire("kpis").ok());  // within the wait, not after 30 s
  release.join();
}

}  // namespace
}  // namespace faultgraph::api
