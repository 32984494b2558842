#include "analytics/test_fleet.h"

#include <chrono>

namespace faultgraph::analytics {

int64_t Day(int year, int month, int day) {
  using namespace std::chrono;
  auto d = sys_days(
      year_month_day(std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)));
  return duration_cast<milliseconds>(d.time_since_epoch()).count();
}

void TestFleet::SetUp() {
  auto s = graph::GraphStore::Open(dir_.Path("db"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  store_ = std::move(s).value();
  pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
}

void TestFleet::Apply(std::vector<ingest::Record> records) {
  auto r = pipeline_->ApplyRecords("test", "s", std::move(records), std::to_string(++batch_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rejected, 0);
}

void TestFleet::Product(const std::string& model, const std::string& family) {
  ingest::Product p;
  p.model = model;
  p.family = family;
  Apply({ingest::Record{"erp", "product:" + model, "1", p}});
}

void TestFleet::Ship(const std::string& product, const std::string& prefix, int n, int64_t ship_ms,
                     const std::string& region) {
  std::vector<ingest::Record> records;
  for (int i = 0; i < n; ++i) {
    ingest::Asset a;
    a.serial = prefix + "-" + std::to_string(i);
    a.product = product;
    a.ship_ms = ship_ms;
    a.region = region;
    records.push_back({"erp", "asset:" + a.serial, "1", a});
  }
  Apply(std::move(records));
}

void TestFleet::Cases(const std::vector<TestCase>& cases) {
  std::vector<ingest::Record> records;
  for (const auto& t : cases) {
    ingest::Case c;
    c.case_id = t.id;
    c.asset_serial = t.serial;
    c.opened_ms = t.opened_ms;
    c.closed_ms = t.closed_ms;
    c.components = t.components;
    c.fixes = t.fixes;
    c.satisfaction = t.satisfaction;
    records.push_back({"crm", t.id, "1", c});
  }
  Apply(std::move(records));
}

void TestFleet::Call(const std::string& id, const std::string& case_ref, int64_t time_ms) {
  ingest::Contact k;
  k.contact_id = id;
  k.case_ref = case_ref;
  k.time_ms = time_ms;
  Apply({ingest::Record{"callcenter", id, "1", k}});
}

}  // namespace faultgraph::analytics
