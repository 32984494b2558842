#include "api/prometheus_text.h"

#include <cstdio>

namespace faultgraph::api {

std::string PromLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void PromFamily(std::string* out, const char* name, const char* type, const char* help) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void PromSample(std::string* out, const char* name, const std::string& labels, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  *out += std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + buf + "\n";
}

}  // namespace faultgraph::api
