// Fuzzes the connectors file (connectors/connector_config.h): sections,
// schedules (cron), error budgets and the mappings it names. The input is
// written to <scratch>/config/connectors.toml beside copies of the
// simulator's mappings at ../simulator/mappings/, the layout of
// ops/config/connectors.example.toml, so that the seeds' mappings load.
#include <cstdint>
#include <filesystem>

#include "connectors/connector_config.h"
#include "tests/fuzz/fuzz_util.h"

using namespace faultgraph;

namespace {

// The config path, set up once per process.
const std::string& ConfigPath() {
  static const std::string path = [] {
    namespace fs = std::filesystem;
    fs::path mappings = fuzz::ScratchDir() / "simulator" / "mappings";
    fs::create_directories(mappings);
    fs::create_directories(fuzz::ScratchDir() / "config");
    for (const auto& e :
         fs::directory_iterator(fs::path(FAULTGRAPH_SOURCE_DIR) / "ops/simulator/mappings")) {
      fs::copy_file(e.path(), mappings / e.path().filename(), fs::copy_options::overwrite_existing);
    }
    return (fuzz::ScratchDir() / "config" / "connectors.toml").string();
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = ConfigPath();
  fuzz::WriteScratch("config/connectors.toml", fuzz::AsText(data, size));
  auto file = connectors::LoadConnectors(path);
  if (!file.ok()) return 0;
  for (const auto& c : file->connectors) {
    if (file->Find(c.name) == nullptr) __builtin_trap();  // every connector is found by name
    if (c.schedule) (void)c.schedule->NextAfter(1'780'000'000'000);
  }
  return 0;
}
