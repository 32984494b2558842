// Validation: turns a RawRecord into a typed Record, or says exactly which
// field is wrong and why. Pure: no I/O, no state.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/raw_record.h"
#include "ingest/records.h"

namespace faultgraph::ingest {

// InvalidArgument naming the field and the problem: a required field
// missing, a number or date that does not parse, text that is not UTF-8,
// an unknown field name, or a missing source_id.
Result<Record> BuildRecord(const RawRecord& raw);

// The canonical field names of a record type (for mapping validation).
std::vector<std::string> FieldNames(RecordType type);

}  // namespace faultgraph::ingest
