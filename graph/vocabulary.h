// The names that the graph's writers (ingest/derive.cc) and its readers
// (api/, diagnosis/, search/) share: entity kinds and per-product counter
// names. One place, so that no reader asks for a name that no writer
// writes (issue 23). Plain C strings: they pass as std::string and
// std::string_view alike.
#pragma once

namespace faultgraph::graph {

// Entity kinds (Cf::kEntity, keys::Entity(kind, id)); "fix" is also the
// kind of a fix's search document.
namespace kinds {
inline constexpr const char* kProduct = "product";      // ERP model master
inline constexpr const char* kComponent = "component";  // part master
inline constexpr const char* kAsset = "asset";          // one shipped unit, by serial
inline constexpr const char* kFix = "fix";              // the fix catalogue
}  // namespace kinds

// Counter names (Cf::kCounter, keys::Counter(name, a[, b])).
namespace counters {
inline constexpr const char* kCases = "cases";              // (product): cases opened
inline constexpr const char* kInstalled = "installed";      // (product): units shipped
inline constexpr const char* kContacts = "contacts";        // (case): call-centre contacts
inline constexpr const char* kAlarms = "alarms";            // (asset, code): sensor alarms
inline constexpr const char* kBomQtyMilli = "bom_qty_milli";  // (parent, component): 1/1000 units
}  // namespace counters

}  // namespace faultgraph::graph
