// Crash safety: `faultgraph ingest` killed with SIGKILL at random points
// and resumed must leave exactly the graph of one clean run: nothing lost,
// nothing counted twice; and the search index, caught up (and killed) in
// between, must hold every case as its current version.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "connectors/file_connector.h"
#include "graph/graph_store.h"
#include "tests/integration/process_util.h"

namespace faultgraph {
namespace {

using namespace testing_util;

constexpr const char* kMapping = R"(
[source]
name = "crm_tickets"
record = "case"
batch_size = 500
[key]
columns = ["ticket"]
[version]
column = "updated"
[fields]
case_id = "ticket"
asset_serial = "serial"
product = "model"
family = { const = "AC" }
opened = "opened"
symptom_text = "text"
fault_codes = "codes"
components = "part"
fixes = "fix"
)";

// ~120k rows: cases on 40 products, some updated later in the file (newer
// version: retraction under crash), some malformed (dead letters).
std::string MakeTickets(int rows) {
  std::mt19937 rng(42);
  std::string csv = "ticket,serial,model,opened,text,codes,part,fix,updated\n";
  const char* parts[] = {"COMP-1", "FAN-2", "PCB-3", "VALVE-4", "SENSOR-5"};
  const char* texts[] = {"不制冷，显示E4", "風扇異響", "no cooling, E4 shown", "漏水 water leak"};
  for (int i = 0; i < rows; ++i) {
    int id = i;
    int version = 1;
    if (i % 10 == 9) {  // an update of an earlier ticket
      id = i - 5;
      version = 2;
    }
    if (i % 997 == 0) {
      csv += "T" + std::to_string(id) + ",broken row with too few columns\n";
      continue;
    }
    char line[256];
    std::snprintf(line, sizeof line, "T%d,SN%d,AC-%d,2024-%02d-%02d 10:00,%s,E%d,%s,FIX-%d,%d\n",
                  id, id % 5000, id % 40, 1 + id % 12, 1 + id % 28, texts[rng() % 4],
                  static_cast<int>(rng() % 6), parts[rng() % 5], static_cast<int>(rng() % 3),
                  version);
    csv += line;
  }
  return csv;
}

std::string DigestOf(const std::string& dir) {
  auto store = graph::GraphStore::Open(dir + "/graph");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  auto d = (*store)->Digest();
  EXPECT_TRUE(d.ok());
  // The counts `status` shows are kept by each commit: after every kill
  // they still equal the keys (issue 23).
  for (graph::Cf cf : {graph::Cf::kDedup, graph::Cf::kEntity, graph::Cf::kDlq}) {
    auto n = (*store)->CountKeys(cf);
    EXPECT_TRUE(n.ok());
    EXPECT_EQ((*store)->KeptCount(cf), n.ok() ? *n : 0) << graph::CfName(cf) << " in " << dir;
  }
  return d->hex + " keys=" + std::to_string(d->keys);
}

int64_t CommittedOffset(const std::string& dir) {
  auto store = graph::GraphStore::Open(dir + "/graph");
  auto cps = (*store)->ListCheckpoints();
  if (!cps.ok() || cps->empty()) return 0;
  auto p = connectors::DecodeFilePosition((*cps)[0].position);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? static_cast<int64_t>(p->offset) : 0;
}

TEST(CrashResume, KilledIngestResumesToTheCleanGraph) {
  ScratchDir dir;
  std::ofstream(dir / "map.toml") << kMapping;
  std::string data = MakeTickets(120'000);
  std::ofstream(dir / "tickets.csv", std::ios::binary) << data;
  const std::string cli = BuiltBinary("api/faultgraph");
  const std::string log = dir / "log.txt";
  auto ingest = [&](const std::string& db) {
    return std::vector<std::string>{
        cli, "--data", db, "ingest", "--mapping", dir / "map.toml",
        // The graph is what this test checks; indexing after each run would
        // make every start-up and the clean run longer than the ingest.
        "--no-index", dir / "tickets.csv"};
  };

  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(RunToEnd(ingest(dir / "clean"), log), 0);
  auto clean_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::string clean = DigestOf(dir / "clean");
  std::cout << "clean run: " << clean_ms << " ms, digest " << clean << "\n";

  std::mt19937 rng(7);
  int kills = 0, mid_file = 0;
  int64_t last_offset = 0;
  const std::vector<std::string> verify = {cli, "--data", dir / "crashed", "--json", "verify"};
  // A verify killed `delay_ms` after it has started writing the index (its
  // marker is there), so that the next writer has to check the index.
  auto KillVerifyOnceItWrites = [&](int delay_ms) {
    pid_t pid = Spawn(verify, log);
    const std::filesystem::path marker =
        std::filesystem::path(dir / "crashed") / "index" / "WRITER_OPEN";
    for (int i = 0; i < 400 && !std::filesystem::exists(marker); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    Wait(pid);
  };
  // An ingest killed after `commits` committed batches (its --progress
  // lines) and `delay_ms` more: kills follow progress, not the clock, so
  // they land before, inside and after commits however fast the machine
  // is, and the file lasts for all of them.
  const std::string progress = dir / "progress.txt";
  auto KillIngestAfter = [&](int commits, int delay_ms) {
    std::filesystem::remove(progress);
    std::vector<std::string> argv = ingest(dir / "crashed");
    argv.insert(argv.end() - 1, "--progress");
    pid_t pid = Spawn(argv, log, progress);
    for (int i = 0; i < 60'000; ++i) {  // at most a minute
      std::ifstream in(progress);
      std::string text((std::istreambuf_iterator<char>(in)), {});
      int seen = 0;
      for (size_t p = text.find(" committed to byte "); p != std::string::npos;
           p = text.find(" committed to byte ", p + 1))
        ++seen;
      siginfo_t ended{};  // the ingest ended by itself (left to Wait)
      waitid(P_PID, static_cast<id_t>(pid), &ended, WEXITED | WNOHANG | WNOWAIT);
      if (seen >= commits || ended.si_pid == pid) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    return Wait(pid);
  };
  // 25 kills, and on until 10 of them came after a commit in the middle of
  // the file.
  for (int attempt = 0; attempt < 200 && (kills < 25 || mid_file < 10); ++attempt) {
    if (attempt % 8 == 7) {
      // The index catches up with what is in and trims the outbox (and
      // checks itself, after a killed writer); the ingest after it numbers
      // on from there.
      ASSERT_EQ(RunToEnd(verify, log), 0);
      continue;
    }
    if (attempt % 8 == 3) {
      // ... or is killed at a random point of it.
      KillVerifyOnceItWrites(rng() % 1000);
      continue;
    }
    int rc;
    if (attempt % 8 == 5) {  // by the clock: in start-up (opening the store, replaying its log)
      pid_t pid = Spawn(ingest(dir / "crashed"), log);
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
      kill(pid, SIGKILL);
      rc = Wait(pid);
    } else {
      rc = KillIngestAfter(1 + static_cast<int>(rng() % 3), static_cast<int>(rng() % 20));
    }
    if (rc == 128 + SIGKILL) ++kills;
    int64_t offset = CommittedOffset(dir / "crashed");
    ASSERT_GE(offset, last_offset) << "a committed checkpoint went backwards";
    if (offset > last_offset && offset < static_cast<int64_t>(data.size())) ++mid_file;
    last_offset = offset;
    if (offset == static_cast<int64_t>(data.size())) break;
  }
  std::cout << kills << " kills, " << mid_file << " with a committed position mid-file\n";
  EXPECT_GE(kills, 20) << "the ingest finished before it could be killed 20 times";
  EXPECT_GE(mid_file, 10) << "too few kills landed in the middle of the file";
  ASSERT_EQ(RunToEnd(ingest(dir / "crashed"), log), 0);  // resume to the end
  EXPECT_EQ(CommittedOffset(dir / "crashed"), static_cast<int64_t>(data.size()));
  EXPECT_EQ(DigestOf(dir / "crashed"), clean);
  KillVerifyOnceItWrites(0);  // in the middle of indexing what the resume added
  // Every case is in the index as its current version, and the check after
  // the last kill had nothing to repair.
  const std::string out = dir / "verify.json";
  std::filesystem::remove(out);
  ASSERT_EQ(RunToEnd(verify, out, log), 0);
  std::ifstream in(out);
  auto report = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(report.is_discarded()) << "verify printed no JSON; see " << out;
  EXPECT_TRUE(report["clean"].get<bool>()) << report.dump();
  EXPECT_LE(report["foundAtOpen"].get<int64_t>(), 0) << report.dump();
  EXPECT_GT(report["graphDocuments"].get<int64_t>(), 80'000) << report.dump();
  // Each index writer that was killed left its check to the next one; every
  // check found the index complete.
  std::ifstream log_in(log);
  std::string text((std::istreambuf_iterator<char>(log_in)), {});
  int checks = 0;
  const std::string mark = "checked after an unclean shutdown: ";
  for (size_t p = text.find(mark); p != std::string::npos; p = text.find(mark, p + 1)) {
    ++checks;
    EXPECT_EQ(text.compare(p + mark.size(), 8, "complete"), 0) << text.substr(p, 200);
  }
  std::cout << checks << " checks of the index after a kill\n";
  EXPECT_GE(checks, 1) << "the index was never checked after a kill";
}

}  // namespace
}  // namespace faultgraph
