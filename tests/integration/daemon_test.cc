// The daemon as operators run it: start faultgraphd, use it through the
// CLI, stop it with SIGTERM while an ingest runs: the open batch is
// committed and a re-run finishes the file.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "api/client.h"
#include "tests/integration/process_util.h"

namespace faultgraph {
namespace {

using namespace testing_util;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int WaitForPort(const std::string& port_file) {
  for (int i = 0; i < 200; ++i) {
    std::string s = ReadFile(port_file);
    if (!s.empty()) return std::stoi(s);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return 0;
}

TEST(Daemon, ServesTheCliAndStopsGracefullyOnSigterm) {
  ScratchDir dir;
  std::ofstream(dir / "map.toml") << R"(
[source]
name = "erp_assets"
record = "asset"
batch_size = 200
[key]
columns = ["serial"]
[fields]
serial = "serial"
product = "model"
ship_date = "shipped"
region = "region"
)";
  {
    std::ofstream csv(dir / "assets.csv");
    csv << "serial,model,shipped,region\n";
    for (int i = 0; i < 300'000; ++i) {
      csv << "SN" << i << ",AC-" << i % 7 << ",2024-" << (1 + i % 9) << "-01,华东\n";
    }
  }
  const std::string log = dir / "daemon.log";
  pid_t daemon = Spawn({BuiltBinary("api/faultgraphd"), "--data", dir / "db", "--port", "0",
                        "--port-file", dir / "port", "--import-dir", dir / "."},
                       log);
  int port = WaitForPort(dir / "port");
  ASSERT_GT(port, 0) << ReadFile(log);
  std::string server = "127.0.0.1:" + std::to_string(port);
  const std::string cli = BuiltBinary("api/faultgraph");

  // An embedded CLI on the daemon's directory is refused with a hint.
  EXPECT_EQ(RunToEnd({cli, "--data", dir / "db", "status"}, dir / "cli.log"), 1);
  EXPECT_NE(ReadFile(dir / "cli.log").find("use --server"), std::string::npos);

  // Start a long ingest through the daemon, then SIGTERM the daemon.
  pid_t ingest = Spawn({cli, "--server", server, "--token-file", dir / "db/admin.token", "--json",
                        "ingest", "--mapping", dir / "map.toml", dir / "assets.csv"},
                       dir / "ingest.json");
  // SIGTERM once the daemon has committed a batch of it (not after a set
  // time: a loaded machine may not have started the ingest by then).
  bool committed = false;
  for (int i = 0; i < 600 && !committed; ++i) {
    RunToEnd({cli, "--server", server, "--token-file", dir / "db/admin.token", "--json", "status"},
             dir / "progress.json");
    std::string progress = ReadFile(dir / "progress.json");
    auto at = progress.rfind("\"records\": ");  // the file collects every answer
    committed = at != std::string::npos && progress.compare(at + 11, 2, "0,") != 0 &&
                progress.compare(at + 11, 2, "0\n") != 0;
    if (!committed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(committed) << ReadFile(dir / "progress.json");
  kill(daemon, SIGTERM);
  EXPECT_EQ(Wait(daemon), 0) << ReadFile(log);
  EXPECT_EQ(Wait(ingest), 0) << ReadFile(dir / "ingest.json");
  std::string first = ReadFile(dir / "ingest.json");
  EXPECT_NE(first.find("\"stopped\": true"), std::string::npos) << first;

  // Embedded now: the ingest resumes where the daemon's last batch ended.
  ASSERT_EQ(RunToEnd({cli, "--data", dir / "db", "--json", "ingest", "--mapping", dir / "map.toml",
                      dir / "assets.csv"},
                     dir / "resume.json"),
            0)
      << ReadFile(dir / "resume.json");
  std::string resumed = ReadFile(dir / "resume.json");
  EXPECT_EQ(resumed.find("\"resumedFrom\": 0,"), std::string::npos) << resumed;
  EXPECT_NE(resumed.find("\"resumed\": true"), std::string::npos) << resumed;
  EXPECT_NE(resumed.find("\"stopped\": false"), std::string::npos) << resumed;
  ASSERT_EQ(RunToEnd({cli, "--data", dir / "db", "--json", "product", "AC-3"}, dir / "p.json"), 3)
      << "no product master was loaded, so the product is not found";
  ASSERT_EQ(RunToEnd({cli, "--data", dir / "db", "--json", "status"}, dir / "status.json"), 0);
  EXPECT_NE(ReadFile(dir / "status.json").find("\"records\": 300000"), std::string::npos)
      << ReadFile(dir / "status.json");
}

// What support staff and operators see — the daemon's log, the CLI's
// answers, the dead-letter preview — never shows the PII that came in.
TEST(Daemon, NoPiiInLogsAnswersOrDeadLetters) {
  ScratchDir dir;
  std::ofstream(dir / "map.toml") << R"(
[source]
name = "crm"
record = "case"
[key]
columns = ["id"]
[fields]
case_id = "id"
product = "model"
opened = "opened"
symptom_text = "text"
notes = "notes"
)";
  const std::vector<std::string> pii = {"13812348000", "11010519491231002X",
                                        "zhang.wei@example.com", "62345678"};
  std::ofstream(dir / "t.csv")
      << "id,model,opened,text,notes\n"
         "T1,AC-200,2024-03-01,联系人：张先生 13812348000 不制冷,邮箱 zhang.wei@example.com\n"
         "T2,AC-200,13812348000,座机010-62345678,身份证11010519491231002X\n"  // bad date
         "T3,AC-200,2024-03-02,\"11010519491231002X\n";                       // unterminated quote
  const std::string log = dir / "daemon.log";
  pid_t daemon = Spawn({BuiltBinary("api/faultgraphd"), "--data", dir / "db", "--rules",
                        SourceDir() + "/ops/config/text_rules.toml", "--port", "0", "--port-file",
                        dir / "port", "--import-dir", dir / "."},
                       log);
  int port = WaitForPort(dir / "port");
  ASSERT_GT(port, 0) << ReadFile(log);
  const std::string cli = BuiltBinary("api/faultgraph");
  const std::string out = dir / "cli.out";
  const std::string server = "127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> fg = {cli, "--server", server, "--token-file",
                                       dir / "db/admin.token"};
  auto with = [&fg](std::vector<std::string> args) {
    args.insert(args.begin(), fg.begin(), fg.end());
    return args;
  };
  ASSERT_EQ(RunToEnd(with({"ingest", "--mapping", dir / "map.toml", dir / "t.csv"}), out), 0)
      << ReadFile(out);
  EXPECT_EQ(RunToEnd(with({"--json", "dlq", "list"}), out), 0);
  EXPECT_EQ(RunToEnd(with({"--json", "case", "T1"}), out), 0);
  // The search answers once the indexer has followed the ingest.
  const std::string found = dir / "search.out";
  for (int i = 0; i < 600 && ReadFile(found).find("T1") == std::string::npos; ++i) {
    std::filesystem::remove(found);
    EXPECT_EQ(RunToEnd(with({"--json", "search", "不制冷"}), found), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(ReadFile(found).find("T1"), std::string::npos) << ReadFile(found);
  kill(daemon, SIGTERM);
  EXPECT_EQ(Wait(daemon), 0);
  std::string seen = ReadFile(log) + ReadFile(out) + ReadFile(found);
  EXPECT_NE(seen.find("138****8000"), std::string::npos) << seen;  // the answers were there
  EXPECT_NE(seen.find("unterminated"), std::string::npos) << seen;
  for (const auto& p : pii) EXPECT_EQ(seen.find(p), std::string::npos) << p << " in:\n" << seen;
}

}  // namespace
}  // namespace faultgraph
