// Handler: answered questions. Every rootCause answer keeps its question
// (product, serial, text with PII masked as in tickets, codes, when) in the
// data directory's spool, under
// a number of its own; its answerId names that number and a check of the
// question. An outcome recorded with the answerId makes the question a
// case of source "answers" — once, through the ingest pipeline like any
// record — so what the technician found trains the next models, although
// the question never came from a ticket.
#include <charconv>
#include <nlohmann/json.hpp>

#include "api/api_errors.h"
#include "api/handler.h"
#include "common/clock.h"
#include "common/hash.h"

namespace faultgraph::api {
namespace {

// Spool "connector" of the questions: '#' is never in a connector's name.
constexpr std::string_view kAnswersSpool = "#answers";
constexpr const char* kAnswerSource = "answers";
constexpr const char* kAnswerStream = "api";
// The newest questions kept; older answer ids can no longer take an outcome.
// With the text kept up to kKeptTextBytes the spool holds at most about 1 GB
// of questions (some 100 MB at a typical 200 bytes).
constexpr uint64_t kKeptAnswers = 500'000;
constexpr uint64_t kPruneEvery = 1'000;
constexpr size_t kKeptTextBytes = 2'000;

// The first `max` bytes of `text`, not cutting a UTF-8 character.
std::string Head(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string Check(uint64_t seq, const std::string& message) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(Fnv1a64(message, Fnv1a64(std::to_string(seq)))));
  return std::string(hex, 8);
}

std::string AnswerId(uint64_t seq, const std::string& message) {
  return "A" + std::to_string(seq) + "-" + Check(seq, message);
}

}  // namespace

std::string Handler::KeepQuestion(const RootCauseRequest& request, const std::string& product) {
  auto spool = store_->Spool();
  if (!spool.ok()) return "";
  nlohmann::json q = {{"product", product},
                      {"serial", request.serial},
                      {"text", Head(pipeline_->rules().MaskPii(request.text), kKeptTextBytes)},
                      {"codes", request.faultCodes},
                      {"ms", request.asOfMs > 0 ? request.asOfMs : SystemClock()->NowMillis()}};
  std::string message;
  try {
    message = q.dump();  // throws on text that is not UTF-8
  } catch (const nlohmann::json::exception&) {
    return "";
  }
  std::lock_guard<std::mutex> lock(answers_mu_);
  if (last_answer_ == 0) {  // once: where the spool left off
    auto last = (*spool)->Last(kAnswersSpool);
    if (!last.ok()) return "";
    last_answer_ = *last;
  }
  const uint64_t seq = last_answer_ + 1;
  if (!(*spool)->Append(kAnswersSpool, seq, message).ok()) return "";
  last_answer_ = seq;
  if (seq % kPruneEvery == 0 && seq > kKeptAnswers)
    (void)(*spool)->DropUpTo(kAnswersSpool, seq - kKeptAnswers);  // retried at the next prune
  return AnswerId(seq, message);
}

std::string Handler::AnswerCase(const std::string& answer_id, const OutcomeRequest& outcome) {
  auto unknown = [&](const std::string& why) {
    ThrowBad("answerId", "no answer '" + answer_id.substr(0, 64) + "': " + why);
  };
  uint64_t seq = 0;
  const size_t dash = answer_id.find('-');
  if (answer_id.size() < 4 || answer_id[0] != 'A' || dash == std::string::npos) {
    unknown("an answer id looks like A123-1a2b3c4d");
  }
  auto [end, ec] = std::from_chars(answer_id.data() + 1, answer_id.data() + dash, seq);
  if (ec != std::errc() || end != answer_id.data() + dash || seq == 0)
    unknown("an answer id looks like A123-1a2b3c4d");
  if (auto c = store_->GetCase(answer_id); c.ok()) return answer_id;  // made before
  auto spool = Unwrap(store_->Spool(), "answerId");
  auto read = Unwrap(spool->Read(kAnswersSpool, seq, 1), "answerId");
  if (read.empty() || read[0].first != seq) unknown("not kept (too old, or never given)");
  const std::string& message = read[0].second;
  if (AnswerId(seq, message) != answer_id) unknown("its check does not match");
  nlohmann::json q = nlohmann::json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (!q.is_object()) unknown("its question is damaged");
  ingest::Case c;
  c.case_id = answer_id;
  c.product = q.value("product", "");
  c.asset_serial = q.value("serial", "");
  c.symptom_text = q.value("text", "");
  c.fault_codes = q.value("codes", std::vector<std::string>{});
  c.opened_ms = q.value("ms", int64_t{0});
  c.channel = "answer";
  if (c.product.empty() && c.asset_serial.empty())
    ThrowBad("answerId", "answer '" + answer_id +
                             "' was for a question with no known product and no serial: record "
                             "the outcome on the case instead");
  if (!outcome.retract) {
    graph::storage::CaseDoc would_be;
    would_be.product = c.product;
    (void)CheckFound(outcome, would_be);
  }
  std::vector<ingest::Record> records;
  records.push_back({kAnswerSource, answer_id, "1", std::move(c)});
  auto stats = Unwrap(
      pipeline_->ApplyRecords(kAnswerSource, kAnswerStream, std::move(records), kAnswerStream),
      "answerId");
  if (stats.rejected > 0)
    ThrowBad("answerId", "the question of answer '" + answer_id + "' could not become a case");
  return answer_id;
}

}  // namespace faultgraph::api
