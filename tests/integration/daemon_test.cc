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
                        "--port-file", dir / "port"},
                       log);
  int port = WaitForPort(dir / "port");
  ASSERT_GT(port, 0) << ReadFile(log);
  std::string server = "127.0.0.1:" + std::to_string(port);
  const std::string cli = BuiltBinary("api/faultgraph");

  // An embedded CLI on the daemon's directory is refused with a hint.
  EXPECT_EQ(RunToEnd({cli, "--data", dir / "db", "status"}, dir / "cli.log"), 1);
  EXPECT_NE(ReadFile(dir / "cli.log").find("use --server"), std::string::npos);

  // Start a long ingest through the daemon, then SIGTERM the daemon.
  pid_t ingest = Spawn({cli, "--server", server, "--json", "ingest", "--mapping", dir / "map.toml",
                        dir / "assets.csv"},
                       dir / "ingest.json");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(daemon, SIGTERM);
  EXPECT_EQ(Wait(daemon), 0) << ReadFile(log);
  EXPECT_EQ(Wait(ingest), 0) << ReadFile(dir / "ingest.json");
  std::string first = ReadFile(dir / "ingest.json");
  EXPECT_NE(first.find("\"stopped\": true"), std::string::npos) << first;

  // Embedded now: the ingest resumes where the daemon's last batch ended.
  ASSERT_EQ(RunToEnd({cli, "--data", dir / "db", "--json", "ingest", "--mapping", dir / "map.toml",
                      dir / "assets.csv"},
                     dir / "resume.json"),
            0);
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

}  // namespace
}  // namespace faultgraph
