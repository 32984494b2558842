// Normalisation of validated records before anything is derived or stored.
// This slice: trimmed identifiers, upper-case fault codes, part numbers and
// fix codes, lists without duplicates. (Unicode folding, traditional ->
// simplified Chinese, PII masking and symptom rules come with the search
// issue and plug in here.)
#pragma once

#include "ingest/records.h"

namespace faultgraph::ingest {

void NormalizeRecord(Record& record);

}  // namespace faultgraph::ingest
