// Small text helpers shared by ingest and connectors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::ingest {

// Offset of the first byte that does not start or continue a valid UTF-8
// sequence (overlongs, surrogates and > U+10FFFF are invalid); npos if valid.
size_t FindInvalidUtf8(std::string_view s);

std::string_view Trim(std::string_view s);
std::string ToUpperAscii(std::string_view s);
// Splits on any of `separators` (ASCII) and on the full-width '，', '；',
// '、'; trims pieces and drops empty ones.
std::vector<std::string> SplitList(std::string_view s, std::string_view separators);
// Prefix of s at most `max_bytes` long that does not cut a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);
// A yes/no value as people and exports write it: true/false, yes/no, y/n,
// 1/0 (ASCII case ignored) or 是/否. False when `s` (trimmed) is none of
// these.
bool ParseYesNo(std::string_view s, bool* out);
// A value quoted for a message: 'value', or its first `max_bytes` and its
// size ('abc…' (10485760 bytes)), so that no message carries a huge value.
std::string QuoteValue(std::string_view s, size_t max_bytes = 100);

}  // namespace faultgraph::ingest
