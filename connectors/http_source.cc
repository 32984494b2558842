// The HTTP/JSON source: a REST collection read page by page.
//
//   GET <url>?limit=N[&modified_since=W][&cursor=C]
//   Authorization: Bearer <token from token_file>
//   -> {"items": [...], "next": "C2"}      (next absent/null/"": last page)
//
// Incremental by a watermark: the checkpoint is the latest modification time
// of the items committed so far, and a run starts with modified_since = that
// time (inclusive; the server returns items oldest first), then follows the
// server's cursor. Items at the watermark come again and are skipped by
// version (the item's modification time), so a restart neither loses nor
// double-counts. 429 and 5xx (Retry-After honoured), timeouts, resets and
// broken pages are retried with exponential back-off; other 4xx end the run
// with the server's answer. Items that are not objects, lack a key or have
// bad values become dead letters. Nothing that leaves the source shows a
// secret: the URL is shown with its userinfo and key parameters redacted,
// and a refusal's body is redacted before its excerpt is cut
// (common/redact.h).
#include <curl/curl.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/hash.h"
#include "common/redact.h"
#include "connectors/row_mapper.h"
#include "connectors/runner.h"
#include "connectors/secret_file.h"
#include "ingest/time_parse.h"

namespace faultgraph::connectors {
namespace {

using json = nlohmann::json;

// A page's body, bounded: a server that sends more than a page of items at
// their row bound can hold is cut off (curl then fails the transfer).
struct Body {
  std::string text;
  size_t cap = 0;
  bool over = false;
};

size_t Append(char* p, size_t size, size_t n, void* out) {
  auto* body = static_cast<Body*>(out);
  if (body->text.size() + size * n > body->cap) {
    body->over = true;
    return 0;
  }
  body->text.append(p, size * n);
  return size * n;
}

size_t Header(char* p, size_t size, size_t n, void* out) {
  std::string line(p, size * n);
  auto* retry_after = static_cast<int64_t*>(out);
  if (line.size() > 12 && strncasecmp(line.c_str(), "retry-after:", 12) == 0)
    *retry_after = std::atoll(line.c_str() + 12);
  return size * n;
}

// What a refusal's body says, for the run's error: redacted first (a server
// may echo the token or key it refused), then cut to a few hundred bytes,
// so that a cut never leaves part of a secret.
std::string RefusalExcerpt(std::string_view body) {
  constexpr size_t kScanned = 16 * 1024, kShown = 300;
  return Preview(Redact(body.substr(0, std::min(body.size(), kScanned))), kShown);
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

class HttpSource : public BatchSource {
 public:
  explicit HttpSource(const ConnectorConfig& c) : c_(c), mapping_(c.mapping) {
    static CurlGlobal global;
    curl_ = curl_easy_init();
  }
  ~HttpSource() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }

  Status Open(ingest::IngestPipeline& pipeline, const RunOptions& o) {
    stream_ = HttpStream(c_, o);
    if (curl_ == nullptr) return Status::IOError("connector " + c_.name + ": curl init failed");
    ProcessRedactor().AddSecretsOf(c_.http.url);
    shown_url_ = Redact(c_.http.url);
    if (!c_.http.token_file.empty()) {
      auto token = ReadSecretFile(c_.http.token_file, "token_file of connector '" + c_.name + "'");
      if (!token.ok()) return token.status();
      auth_ = "Authorization: Bearer " + *token;
    }
    if (mapping_.key_columns.empty()) mapping_.key_columns = {c_.http.key_field};
    mapping_.version_column = c_.http.modified_field;
    mapping_.version_format.clear();
    mapping_.version_is_time = true;
    columns_ = ReferencedColumns(mapping_);
    mapper_ = std::make_unique<RowMapper>(mapping_, columns_, Encoding::kUtf8, stream_, shown_url_);
    if (!o.to.empty()) {
      auto to = ingest::ParseTime(o.to, "");
      if (!to.ok()) return Status::InvalidArgument("--to: " + to.status().message());
      to_ms_ = *to;
    }
    watermark_ = o.from;  // a backfill starts at its window
    if (!o.full) {
      auto pos = pipeline.CheckpointPosition(mapping_.source, stream_);
      if (!pos.ok()) return pos.status();
      if (!pos->empty()) {
        json j = json::parse(*pos, nullptr, false);
        if (!j.is_object() || !j.contains("since") || !j["since"].is_string())
          return Status::Corruption("connector " + c_.name + ": bad checkpoint '" + *pos + "'");
        watermark_ = j["since"];
        watermark_ms_ = j.value("since_ms", int64_t{0});
      }
    }
    since_ = watermark_;
    return Status::Ok();
  }

  Result<bool> NextBatch(ingest::SourceBatch* batch) override {
    if (done_) return false;
    std::string url = c_.http.url + (c_.http.url.find('?') == std::string::npos ? "?" : "&") +
                      Param(c_.http.limit_param, std::to_string(c_.http.page_size));
    if (!since_.empty()) url += "&" + Param(c_.http.since_param, since_);
    if (!cursor_.empty()) url += "&" + Param(c_.http.cursor_param, cursor_);
    auto page = Fetch(url);
    if (!page.ok()) return page.status();
    const json& items = (*page)[c_.http.items_field];
    const json* next = page->contains(c_.http.next_field) ? &(*page)[c_.http.next_field] : nullptr;
    cursor_ = next != nullptr && next->is_string() ? next->get<std::string>() : "";
    if (next != nullptr && next->is_number()) cursor_ = next->dump();
    done_ = cursor_.empty();
    ++pages_;

    batch->source = mapping_.source;
    batch->stream = stream_;
    batch->rows.clear();
    batch->rejected.clear();
    // Each item as one JSON line, read by the JSON Lines source: the same
    // dotted paths, types and messages as files.
    std::string lines;
    for (const auto& item : items) {
      lines += item.dump(-1, ' ', false, json::error_handler_t::replace);
      lines += '\n';
    }
    auto source = NewJsonlSource(lines, columns_, {mapping_.limits, nullptr});
    SourceRow row;
    size_t index = 0;
    while (source->Next(&row)) {
      const json& item = items[index++];
      std::string key =
          item.is_object() && item.contains(c_.http.key_field) ? Text(item[c_.http.key_field]) : "";
      std::string modified = item.is_object() && item.contains(c_.http.modified_field)
                                 ? Text(item[c_.http.modified_field])
                                 : "";
      // Where, in words that do not depend on the page it came in (a resumed
      // run pages differently): the dead letter of a re-read item is the same.
      row.line = 0;
      row.begin = Fnv1a64(key.empty() ? std::string(row.raw) : key + "\x1f" + modified);
      row.end = row.begin;
      // (The item's own key and time, bounded: a position is shown and logged.)
      std::string where = shown_url_ +
                          (key.empty() ? " item #" + Hex64(row.begin) : " item " + Preview(key)) +
                          (modified.empty() ? "" : " modified " + Preview(modified, 60));
      ingest::RawRecord rec;
      Status mapped = row.error.empty() ? mapper_->Map(row, columns_, &rec)
                                        : Status::InvalidArgument(row.error);
      if (!mapped.ok()) {
        auto pos = mapper_->Position(row);
        pos.file = where;
        batch->rejected.push_back({pos, mapped.message(), Preview(row.raw, kDeadLetterRawBytes)});
        continue;
      }
      rec.position.file = where;
      if (to_ms_ != 0 && !rec.source_version.empty() &&
          std::atoll(rec.source_version.c_str()) >= to_ms_) {
        done_ = true;  // past the backfill window: items come oldest first
        continue;
      }
      batch->rows.push_back(std::move(rec));
      // The watermark: the latest modification committed (versions are ms).
      int64_t ms = std::atoll(batch->rows.back().source_version.c_str());
      if (ms >= watermark_ms_) {
        watermark_ms_ = ms;
        watermark_ = modified;
      }
    }
    json pos = {{"since", watermark_}, {"since_ms", watermark_ms_}};
    batch->checkpoint_position = pos.dump();
    batch->checkpoint_description = c_.http.modified_field + " " +
                                    (watermark_.empty() ? "(none)" : watermark_) + ", page " +
                                    std::to_string(pages_);
    return true;
  }

 private:
  static std::string Text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

  std::string Param(const std::string& name, const std::string& value) {
    char* e = curl_easy_escape(curl_, value.c_str(), static_cast<int>(value.size()));
    std::string out = name + "=" + e;
    curl_free(e);
    return out;
  }

  // One page, retried on what a retry can cure.
  Result<json> Fetch(const std::string& url) {
    std::string last_error;
    for (int64_t attempt = 0; attempt <= c_.http.max_retries; ++attempt) {
      if (attempt > 0) {
        int64_t wait_ms = std::min<int64_t>(200LL << std::min<int64_t>(attempt - 1, 6), 10'000);
        if (retry_after_ > 0) wait_ms = std::min<int64_t>(retry_after_ * 1000, 30'000);
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      }
      Body page_body;
      // Room for a full page of items at max_row_bytes each, and at most 1 GiB.
      page_body.cap = static_cast<size_t>(std::min<uint64_t>(
          uint64_t{1} << 30, (static_cast<uint64_t>(c_.http.page_size) + 1) *
                                 static_cast<uint64_t>(mapping_.limits.max_row_bytes)));
      std::string& body = page_body.text;
      retry_after_ = 0;
      curl_easy_reset(curl_);
      curl_slist* headers = nullptr;
      if (!auth_.empty()) headers = curl_slist_append(headers, auth_.c_str());
      headers = curl_slist_append(headers, "Accept: application/json");
      curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
      curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Append);
      curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &page_body);
      curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Header);
      curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &retry_after_);
      curl_easy_setopt(curl_, CURLOPT_TIMEOUT, static_cast<long>(c_.http.timeout_seconds));
      curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 10L);
      curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");
      curl_easy_setopt(curl_, CURLOPT_USERAGENT, "faultgraph");
      CURLcode rc = curl_easy_perform(curl_);
      long code = 0;
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
      curl_slist_free_all(headers);
      if (page_body.over) {
        return Status::IOError("connector " + c_.name + ": " + Redact(url) +
                               ": the page is longer than " + std::to_string(page_body.cap) +
                               " bytes (page_size + 1 items of max_row_bytes = " +
                               std::to_string(mapping_.limits.max_row_bytes) + ")");
      }
      if (rc != CURLE_OK) {
        last_error = curl_easy_strerror(rc);
        continue;  // timeouts, refused connections, resets: try again
      }
      if (code == 429 || code >= 500) {
        last_error = "HTTP " + std::to_string(code);
        continue;
      }
      if (code != 200) {
        return Status::IOError("connector " + c_.name + ": " + Redact(url) + " answered HTTP " +
                               std::to_string(code) + ": " + RefusalExcerpt(body) +
                               (code == 401 || code == 403 ? " (check token_file)" : ""));
      }
      json page = json::parse(body, nullptr, false);
      if (page.is_discarded() || !page.is_object() || !page.contains(c_.http.items_field) ||
          !page[c_.http.items_field].is_array()) {
        last_error = "the page is not a JSON object with an array '" + c_.http.items_field + "'";
        continue;  // a truncated or broken page: read it again
      }
      return page;
    }
    return Status::IOError("connector " + c_.name + ": " + Redact(url) + ": gave up after " +
                           std::to_string(c_.http.max_retries + 1) + " attempts: " + last_error);
  }

  const ConnectorConfig& c_;
  Mapping mapping_;
  CURL* curl_ = nullptr;
  std::string auth_;
  std::string shown_url_;  // the URL as messages and dead letters show it
  std::vector<std::string> columns_;
  std::unique_ptr<RowMapper> mapper_;
  std::string watermark_, since_, cursor_;
  int64_t watermark_ms_ = 0;
  int64_t to_ms_ = 0;  // a backfill's end (exclusive); 0: none
  std::string stream_;
  int64_t retry_after_ = 0;
  int64_t pages_ = 0;
  bool done_ = false;
};

}  // namespace

std::string HttpStream(const ConnectorConfig& c, const RunOptions& o) {
  return "http:" + c.name + (o.from.empty() ? "" : " backfill " + o.from + " to " + o.to);
}

Result<std::unique_ptr<BatchSource>> NewHttpSource(ingest::IngestPipeline& pipeline,
                                                   const ConnectorConfig& c, const RunOptions& o) {
  auto src = std::make_unique<HttpSource>(c);
  FG_RETURN_IF_ERROR(src->Open(pipeline, o));
  return std::unique_ptr<BatchSource>(std::move(src));
}

}  // namespace faultgraph::connectors
