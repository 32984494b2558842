#include "ingest/toml_error.h"

#include <vector>

namespace faultgraph::ingest {
namespace {

// What toml++ was reading ("Error while parsing X: ..."), as a phrase.
std::string Context(std::string_view what) {
  if (what.find("string") != std::string_view::npos) return "a string";
  if (what.find("array") != std::string_view::npos) return "a list";
  if (what.find("inline table") != std::string_view::npos) return "an inline table";
  if (what.find("table header") != std::string_view::npos) return "a [table] header";
  if (what.find("key-value") != std::string_view::npos) return "a key = value line";
  if (what.find("key") != std::string_view::npos) return "a key";
  if (what == "value") return "a value";
  if (what.find("date") != std::string_view::npos || what.find("time") != std::string_view::npos)
    return "a date or time";
  if (what.find("integer") != std::string_view::npos ||
      what.find("floating") != std::string_view::npos)
    return "a number";
  return std::string(what);
}

// The text between the first "saw '" and the next "'", or "".
std::string Saw(std::string_view d) {
  const size_t at = d.find("saw '");
  if (at == std::string_view::npos) return "";
  const size_t end = d.find('\'', at + 5);
  return std::string(d.substr(at + 5, end == std::string_view::npos ? d.npos : end - at - 5));
}

}  // namespace

std::string PlainTomlError(std::string_view d) {
  std::string context;
  if (d.starts_with("Error while parsing ")) {
    const size_t colon = d.find(": ");
    if (colon != std::string_view::npos) {
      context = Context(d.substr(20, colon - 20));
      d = d.substr(colon + 2);
    }
  }
  const std::string saw = Saw(d);
  auto has = [&](std::string_view s) { return d.find(s) != std::string_view::npos; };
  if (context == "a string" && (has("control character") || has("encountered end-of-file"))) {
    return "a string is not closed on its line: a closing '\"' is missing";
  }
  if (has("encountered end-of-file"))
    return "the file ends inside " + (context.empty() ? "a value" : context) +
           ": a closing quote or bracket is missing";
  if (has("cannot redefine existing table"))
    return "this [table] is defined twice (" + std::string(d) + ")";
  if (has("cannot redefine existing")) return "this key is set twice (" + std::string(d) + ")";
  if (has("expected '=', saw"))
    return "a key must be followed by '=' and a value; found '" + saw + "'";
  if (has("could not determine value type"))
    return "this value is not text, a number, true/false, a date or a list (text needs quotes: "
           "\"like this\")";
  if (has("expected value, saw"))
    return "a value is missing after '=' (found '" + saw + "'; text needs quotes: \"like this\")";
  if (has("expected a comment or whitespace, saw"))
    return "unexpected '" + saw + "' after the value: one key = value per line, and text in quotes";
  if (has("expected bare key starting character or string delimiter, saw"))
    return "a key cannot start with '" + saw + "' (use letters, digits, '-' or '_', or quote it)";
  if (has("expected comma or closing ']', saw"))
    return "a list needs commas between its items and a closing ']'; found '" + saw + "'";
  if (has("expected comma or closing '}', saw"))
    return "an inline table needs commas between its keys and a closing '}'; found '" + saw + "'";
  if (has("expected ']', saw"))
    return "a [table] header needs its closing ']'; found '" + saw + "'";
  if (has("unknown escape sequence"))
    return "a string holds an unknown escape (" + std::string(d) +
           "): write '\\\\' for a backslash, or use 'single quotes' for patterns";
  if (has("unexpected control character")) return "a control character where text was expected";
  if (has("leading zeroes are prohibited"))
    return "a number cannot start with 0 (quote it if it is text)";
  return context.empty() ? std::string(d) : "in " + context + ": " + std::string(d);
}

}  // namespace faultgraph::ingest
