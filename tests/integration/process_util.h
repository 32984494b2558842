// Running the project's binaries as child processes from tests.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/test_dir.h"

namespace faultgraph::testing_util {

// A binary built by this project ("api/faultgraph"); the build directory is
// compiled in by faultgraph_test().
inline std::string BuiltBinary(const std::string& relative) {
  return std::string(FAULTGRAPH_BINARY_DIR) + "/" + relative;
}

inline std::string SourceDir() { return FAULTGRAPH_SOURCE_DIR; }

// Starts argv[0] with argv; stdout/stderr go to `log` (appended), or
// stderr to `err` when given.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::string& log,
                   const std::string& err = "") {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "a");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    FILE* e = err.empty() ? nullptr : std::fopen(err.c_str(), "a");
    if (e != nullptr) dup2(fileno(e), 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Waits for pid; its exit code, or 128 + signal.
inline int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

inline int RunToEnd(const std::vector<std::string>& argv, const std::string& log,
                    const std::string& err = "") {
  return Wait(Spawn(argv, log, err));
}

using ScratchDir = ::faultgraph::TestDir;

}  // namespace faultgraph::testing_util
