// The notes root cause writes into its answers (note.h), one constant each,
// so that a client's catalogue can be checked to hold them all (kAll).
#pragma once

namespace faultgraph::diagnosis::notes {

inline constexpr const char* kNoProduct = "no product given: evidence from all products";
inline constexpr const char* kProductNotInMaster =
    "product '{0}' is not in the product master: its own cases are used, no family";
inline constexpr const char* kUnknownProduct =
    "unknown product '{0}': evidence from all products, no product-specific ranking";
inline constexpr const char* kSymptomWithoutCases =
    "symptom '{0}' has no diagnosed past case: not used";
inline constexpr const char* kNothingMatched =
    "no fault code or symptom rule matched: ranked by similar past cases only";
inline constexpr const char* kBaseRateOnly =
    "no symptom with evidence and no similar past case: ranked by how often each component fails "
    "on {0} (a base rate, not a diagnosis)";
inline constexpr const char* kUnknownSerial = "unknown serial '{0}': no asset history used";
inline constexpr const char* kSerialOfAnotherProduct = "serial {0} is a {1}, not {2}";
inline constexpr const char* kPartsOutsideBom =
    "{0} candidate parts outside {1}'s bill of materials, never diagnosed on it, not ranked";
inline constexpr const char* kPartOutsideBom =
    "{0} candidate part outside {1}'s bill of materials, never diagnosed on it, not ranked";
inline constexpr const char* kRankedOutsideBom =
    "{0} is not in {1}'s bill of materials: ranked on overwhelming evidence only";
inline constexpr const char* kNoEvidence =
    "no evidence: no matching symptom, similar case or failure history, so no component is ranked";
inline constexpr const char* kAssetHistoryOnly =
    "no matching symptom, similar case or base rate: ranked by this asset's own recent cases only";
inline constexpr const char* kCausesUnrecorded =
    "no recorded cause for {0} of {1}'s {2} cases: their cause counts cover only the cases with "
    "one";
inline constexpr const char* kCausesUnlisted =
    "{2} cases of {1} with a cause beyond the {0} most frequent: not listed";
inline constexpr const char* kProductReadAs = "product '{0}' read as '{1}'";
inline constexpr const char* kCodeWithoutCases =
    "fault code {0} has no diagnosed past case of any product: not used";
inline constexpr const char* kCodeOneFamily =
    "fault code {0} without a known product: read as {1}, the only product family with cases of it";
inline constexpr const char* kCodeManyFamilies =
    "fault code {0} without a known product: read as {1} ({2} diagnosed cases), not {3}; give the "
    "product to be sure";
inline constexpr const char* kSearchFailed =
    "similar past cases could not be searched ({0}): ranked from the graph's evidence without them";
inline constexpr const char* kNoText = "no text given: fault codes and history only";
inline constexpr const char* kHistoryRepeat =
    "this asset had case {0} on {1} within the repeat window: the repair may not have held";
inline constexpr const char* kHistoryRecent = "this asset had case {0} on {1} in the last 90 days";

// Where a component's fix and cause figures come from (fix_scope).
inline constexpr const char* kScopeProduct = "product {0}";
inline constexpr const char* kScopeFamily = "family {0}";
inline constexpr const char* kScopeAllProducts = "all products";

// Every note above, for catalogue checks.
inline constexpr const char* kAll[] = {
    kNoProduct,        kProductNotInMaster, kUnknownProduct,   kSymptomWithoutCases,
    kNothingMatched,   kBaseRateOnly,       kUnknownSerial,    kSerialOfAnotherProduct,
    kPartsOutsideBom,  kPartOutsideBom,     kRankedOutsideBom, kNoEvidence,
    kAssetHistoryOnly, kCausesUnrecorded,   kCausesUnlisted,   kProductReadAs,
    kCodeWithoutCases, kCodeOneFamily,      kCodeManyFamilies, kSearchFailed,
    kNoText,           kHistoryRepeat,      kHistoryRecent,    kScopeProduct,
    kScopeFamily,      kScopeAllProducts,
};

}  // namespace faultgraph::diagnosis::notes
