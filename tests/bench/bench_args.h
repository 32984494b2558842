// The bench tools' options: `--name value` pairs from the tool's own list.
// `--help` prints the usage on stdout and exits 0; an unknown option, a
// missing value or a value that is not a whole number where one is wanted
// prints what is wrong and the usage on stderr and exits 2 (a mistyped
// option never runs a long benchmark with the defaults).
#pragma once

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace faultgraph::bench {

class BenchArgs {
 public:
  BenchArgs(int argc, char** argv, std::string usage, const std::vector<std::string>& names)
      : usage_(std::move(usage)) {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--help" || a == "-h") {
        std::printf("%s", usage_.c_str());
        std::exit(0);
      }
      bool known = false;
      for (const auto& n : names) known |= n == a;
      if (!known) Fail("unknown argument " + a);
      if (i + 1 >= argc) Fail(a + " needs a value");
      values_[a] = argv[++i];
    }
  }

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  long long GetInt(const std::string& name, long long fallback) const {
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    long long v = 0;
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0)
      Fail(name + " wants a whole number, not '" + s + "'");
    return v;
  }

  [[noreturn]] void Fail(const std::string& message) const {
    std::fprintf(stderr, "%s\n%s", message.c_str(), usage_.c_str());
    std::exit(2);
  }

 private:
  std::string usage_;
  std::map<std::string, std::string> values_;
};

}  // namespace faultgraph::bench
