// How cases and fixes are laid out in the Xapian index: boolean term
// prefixes for filters and facets, value slots, and the document data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace faultgraph::search {

// Boolean term prefixes (upper-case letters, as Xapian's convention wants).
inline constexpr std::string_view kIdPrefix = "Q";     // unique id: Q<kind>:<id>
inline constexpr std::string_view kKindPrefix = "XK";  // case | fix
inline constexpr std::string_view kProductPrefix = "XP";
inline constexpr std::string_view kFamilyPrefix = "XF";
inline constexpr std::string_view kComponentPrefix = "XC";
inline constexpr std::string_view kSymptomPrefix = "XS";
inline constexpr std::string_view kFixPrefix = "XX";
inline constexpr std::string_view kRegionPrefix = "XR";
inline constexpr std::string_view kMonthPrefix = "XM";  // yyyymm of opening

inline constexpr unsigned kOpenedSlot = 0;   // sortable_serialise(opened ms)
inline constexpr unsigned kVersionSlot = 1;  // VersionValue: what `verify` compares
// StoredDoc::Serialise. Documents indexed before it hold their StoredDoc
// in the document data instead (and nothing in this slot).
inline constexpr unsigned kStoredSlot = 2;

// Xapian refuses terms over 245 bytes ("Term too long"), which would fail
// every commit after it. Longer boolean terms are written as the prefix,
// '#' and a hash of the value: still exact for filters, never too long.
inline constexpr size_t kMaxTermBytes = 240;
std::string BoundedTerm(std::string_view prefix, std::string_view value);
// "<kind>:<id>": how a document is named in its id term and version value.
std::string KindId(std::string_view kind, std::string_view id);
// The unique id term of a document: Q<kind>:<id>, bounded.
std::string IdTerm(std::string_view kind, std::string_view id);

// The version value of a document: 8 bytes (big-endian hash of the graph
// record it was built from) then "<kind>:<id>". Parse: false when malformed.
std::string VersionValue(uint64_t version, std::string_view kind, std::string_view id);
bool ParseVersionValue(std::string_view value, uint64_t* version, std::string_view* kind_id);

// Metadata key under which each shard keeps the last outbox sequence it holds.
inline constexpr const char* kIndexedSeqKey = "faultgraph.outbox_seq";
// Metadata key set ("1") while a rebuild has emptied the shard and not yet
// finished: the shard lacks what the rebuild did not reach, whatever its
// outbox sequence says, until a whole rebuild completes.
inline constexpr const char* kRebuildingKey = "faultgraph.rebuilding";

// What a hit shows without going back to the graph: the document data.
// Written as a format byte (2) and length-delimited fields (the key codec's
// escaped strings), so no byte of any field can shift another. Documents of
// older versions (fields between \x1e separators, list items between \x1f)
// are still read; one whose fields do not add up is Corruption.
struct StoredDoc {
  std::string kind;
  std::string id;
  std::string title;   // fix title, or the case's symptom text
  std::string folded;  // the folded text that was indexed (for snippets)
  std::string product;
  std::vector<std::string> components;
  std::vector<std::string> symptoms;
  std::vector<std::string> fixes;
  long long opened_ms = 0;
  std::string cause;  // the case's failure cause (documents indexed before it: empty)
  // The indexed text as written, before folding, for snippets in the
  // customer's own script and width; empty when it equals `folded` (and in
  // documents indexed before it was kept).
  std::string shown;

  std::string Serialise() const;
  // Corruption, naming what is wrong, when `data` is not a stored document
  // (a reindex writes every document again).
  static Result<StoredDoc> Parse(std::string_view data);
};

}  // namespace faultgraph::search
