// Bounds on what a source controls: the size of a row, of each field and of
// a record's key, and how deep JSON may nest. A mapping may change them
// ([limits] in its TOML); the defaults are far above anything a real CRM or
// ERP export holds, and low enough that one hostile row cannot take the
// process's memory: readers stop accumulating at a limit and skip to the
// row's end, and the row becomes one dead letter naming the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace faultgraph::connectors {

struct SourceLimits {
  // A record's key (source id) and its id fields (case_id, serial, ...).
  // Xapian refuses terms over 245 bytes, and an id is indexed as a term
  // with a prefix ("Qcase:"), so at most kMaxKeyBytesCeiling.
  size_t max_key_bytes = 200;
  size_t max_field_bytes = size_t{1} << 20;  // one column's value, as read
  size_t max_row_bytes = size_t{4} << 20;    // one row's bytes in the source
  size_t max_depth = 64;                     // JSON objects and arrays nested
};

inline constexpr size_t kMaxKeyBytesCeiling = 230;
inline constexpr size_t kMaxRowBytesCeiling = size_t{1} << 30;
inline constexpr size_t kMaxDepthCeiling = 1000;
inline constexpr int64_t kMaxBatchSize = 1'000'000;  // a mapping's source.batch_size

// "<what> of N bytes exceeds <name> = M": the message of an over-size value.
std::string OverLimit(std::string_view what, uint64_t bytes, std::string_view name, uint64_t limit);

// At most `max` bytes of `s` for a message or a dead letter: cut at a UTF-8
// character boundary, with "… (N bytes)" when cut, so that a 10 MB value
// never reaches a log whole.
std::string Preview(std::string_view s, size_t max = 200);

// How much of a rejected row's raw text a dead letter keeps: with the
// "… (N bytes)" note, within the store's own 64 KiB cut.
inline constexpr size_t kDeadLetterRawBytes = 64 * 1024 - 64;

}  // namespace faultgraph::connectors
