// Normalisation of validated records before anything is derived or stored:
// upper-case fault codes, part numbers and fix codes (an outcome's too), lists without
// duplicates; PII masked in every free-text field; fault codes and part
// numbers found in case text added; symptom rules matched on folded text.
#pragma once

#include "ingest/records.h"
#include "ingest/text_rules.h"

namespace faultgraph::ingest {

void NormalizeRecord(Record& record, const TextRules& rules);

}  // namespace faultgraph::ingest
