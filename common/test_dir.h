// For tests only (header-only, uses GoogleTest): a fresh scratch directory
// named after the running test, removed when the object goes away.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace faultgraph {

class TestDir {
 public:
  // `suffix` tells apart several directories of one test.
  explicit TestDir(const std::string& suffix = "") {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("fg_" + std::string(info->test_suite_name()) + "_" + info->name() + suffix + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TestDir() { std::filesystem::remove_all(path_); }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  // The path of `name` inside the directory.
  std::string Path(const std::string& name) const { return (path_ / name).string(); }
  std::string operator/(const std::string& name) const { return Path(name); }
  // Writes `content` (bytes as given) to `name`; returns its path.
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return Path(name);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace faultgraph
