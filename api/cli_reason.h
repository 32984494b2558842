// A dead letter's reason, a source's position, or the server's message of
// a lookup that found nothing, in the reader's language (issue 17). Reasons are stored as the
// English sentence that ingest wrote ("column 'cost': 'abc' is
// not a number"), PII masked; the CLI reads them out in Chinese by the
// sentence forms ingest writes, one clause at a time, so that a quoted value
// or a column name is never translated. A clause of no known form stays as
// it was written.
#pragma once

#include <string>
#include <string_view>

namespace faultgraph::cli {

// `reason` in the current language (CurrentLang()); as is in English.
std::string ReasonText(std::string_view reason);

}  // namespace faultgraph::cli
