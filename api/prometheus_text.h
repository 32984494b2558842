// Lines of the Prometheus text exposition format, for every /metrics
// family the daemon writes (metrics_text, request_metrics).
#pragma once

#include <string>

namespace faultgraph::api {

// A label value escaped as the format wants (backslash, quote, newline).
std::string PromLabel(const std::string& value);
// The "# HELP" and "# TYPE" lines that open a family.
void PromFamily(std::string* out, const char* name, const char* type, const char* help);
// One sample: `name{labels} value` (no braces when `labels` is empty).
void PromSample(std::string* out, const char* name, const std::string& labels, double value);

}  // namespace faultgraph::api
