// The PostgreSQL source: pages of a table or query in (cursor, key) order.
//
//   SELECT q.*, <version> AS "fg$version", q.<cursor>::text AS "fg$cursor",
//          q.<key>::text AS "fg$key"
//   FROM (<query>) AS q
//   WHERE (q.<cursor>, q.<key>) > ($1, $2)          -- after the committed row
//   ORDER BY q.<cursor>, q.<key> LIMIT <page>
//
// The row comparison makes rows that share one cursor value continue across
// a page boundary without being skipped or read twice; $1 and $2 are the
// last committed row's values as PostgreSQL printed them (so they parse back
// exactly, microseconds included). The version is the cursor as a number
// (epoch microseconds for timestamps): an updated row is a newer version and
// retracts the old one's contributions.
#include <libpq-fe.h>

#include <nlohmann/json.hpp>

#include "common/hash.h"
#include "common/log.h"
#include "common/redact.h"
#include "connectors/row_mapper.h"
#include "connectors/runner.h"
#include "connectors/secret_file.h"

namespace faultgraph::connectors {
namespace {

using json = nlohmann::json;

constexpr const char* kVersionCol = "fg$version";
constexpr const char* kCursorCol = "fg$cursor";
constexpr const char* kKeyCol = "fg$key";

struct PgResult {
  PGresult* r = nullptr;
  ~PgResult() {
    if (r != nullptr) PQclear(r);
  }
};

class PostgresSource : public BatchSource {
 public:
  PostgresSource(const ConnectorConfig& c) : c_(c), mapping_(c.mapping) {}
  ~PostgresSource() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }

  Status Open(ingest::IngestPipeline& pipeline, const RunOptions& o) {
    stream_ = PostgresStream(c_, o);
    window_ = {o.from, o.to};
    std::string conninfo = c_.postgres.conninfo;
    ProcessRedactor().AddSecretsOf(c_.postgres.conninfo);
    if (!c_.postgres.password_file.empty()) {
      auto pw =
          ReadSecretFile(c_.postgres.password_file, "password_file of connector '" + c_.name + "'");
      if (!pw.ok()) return pw.status();
      const std::string& p = *pw;
      std::string quoted;
      for (char ch : p) {
        if (ch == '\\' || ch == '\'') quoted += '\\';
        quoted += ch;
      }
      conninfo += " password='" + quoted + "'";
    }
    conninfo += " connect_timeout=10 application_name=faultgraph";
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK)
      return Status::IOError(Redact("connector " + c_.name + ": cannot connect to PostgreSQL (" +
                                    c_.postgres.conninfo + "): " + Message()));
    FG_RETURN_IF_ERROR(Exec("SET client_encoding TO 'UTF8'"));
    FG_RETURN_IF_ERROR(Exec("SET TIME ZONE 'UTC'"));
    FG_RETURN_IF_ERROR(Exec("SET statement_timeout = '300s'"));

    // Mapping: the key defaults to the key column, the version is ours.
    if (mapping_.key_columns.empty()) mapping_.key_columns = {kKeyCol};
    mapping_.version_column = kVersionCol;
    mapping_.version_format.clear();
    columns_ = ReferencedColumns(mapping_);
    mapper_ = std::make_unique<RowMapper>(mapping_, columns_, Encoding::kUtf8, stream_,
                                          "postgres:" + c_.name);

    std::string from = !c_.postgres.table.empty() ? "SELECT * FROM " + Ident(c_.postgres.table)
                                                  : c_.postgres.query;
    std::string cur = "q." + Ident(c_.postgres.cursor_column);
    std::string key = "q." + Ident(c_.postgres.key_column);
    std::string version = c_.postgres.cursor_type == "timestamp"
                              ? "(extract(epoch from " + cur + ") * 1000000)::bigint"
                              : cur + "::bigint";
    std::string select = "SELECT q.*, " + version + " AS \"" + kVersionCol + "\", " + cur +
                         "::text AS \"" + kCursorCol + "\", " + key + "::text AS \"" + kKeyCol +
                         "\" FROM (" + from + ") AS q ";
    std::string tail =
        " ORDER BY " + cur + ", " + key + " LIMIT " + std::to_string(c_.postgres.page_size);
    // A backfill reads one window of the cursor, [from, to), under a stream
    // of its own: the connector's position does not move, and the same
    // backfill run again resumes.
    std::string window = o.from.empty() ? "" : " AND " + cur + " >= $3 AND " + cur + " < $4";
    first_sql_ = select + "WHERE " + cur + " IS NOT NULL" +
                 (o.from.empty() ? "" : " AND " + cur + " >= $1 AND " + cur + " < $2") + tail;
    next_sql_ = select + "WHERE (" + cur + ", " + key + ") > ($1, $2)" + window + tail;

    if (!o.full) {
      auto pos = pipeline.CheckpointPosition(mapping_.source, stream_);
      if (!pos.ok()) return pos.status();
      if (!pos->empty()) {
        json j = json::parse(*pos, nullptr, false);
        if (!j.is_array() || j.size() != 2 || !j[0].is_string() || !j[1].is_string())
          return Status::Corruption("connector " + c_.name + ": bad checkpoint '" + *pos + "'");
        cursor_ = j[0];
        key_ = j[1];
        has_cursor_ = true;
      }
    }
    return Status::Ok();
  }

  Result<bool> NextBatch(ingest::SourceBatch* batch) override {
    if (!pending_) FG_RETURN_IF_ERROR(SendPage());
    PgResult res;
    res.r = PQgetResult(conn_);
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // the query is done
    pending_ = false;
    if (PQresultStatus(res.r) != PGRES_TUPLES_OK)
      return Status::IOError("connector " + c_.name + ": query failed: " + Message());
    int rows = PQntuples(res.r);
    if (rows == 0) return false;
    if (index_.empty()) FG_RETURN_IF_ERROR(ResolveColumns(res.r));
    // The server reads the next page while this one is mapped and prepared.
    cursor_ = PQgetvalue(res.r, rows - 1, cursor_index_);
    key_ = PQgetvalue(res.r, rows - 1, key_index_);
    has_cursor_ = true;
    if (rows == c_.postgres.page_size) (void)SendPage();  // a failure shows at the next call

    batch->source = mapping_.source;
    batch->stream = stream_;
    batch->rows.clear();
    batch->rejected.clear();
    batch->rows.reserve(static_cast<size_t>(rows));
    SourceRow row;
    std::string raw;
    for (int i = 0; i < rows; ++i) {
      row.values.resize(columns_.size());
      raw = "{";  // the row as people see it in a dead letter
      for (size_t k = 0; k < columns_.size(); ++k) {
        int col = index_[k];
        bool null = PQgetisnull(res.r, i, col);
        row.values[k] = null ? std::string()
                             : std::string(PQgetvalue(res.r, i, col), PQgetlength(res.r, i, col));
        if (columns_[k] == kVersionCol || columns_[k] == kKeyCol) continue;
        if (raw.size() > 1) raw += ',';
        raw += JsonString(columns_[k]);
        raw += ':';
        raw += null ? std::string("null") : JsonString(row.values[k]);
      }
      raw += '}';
      std::string_view cursor(PQgetvalue(res.r, i, cursor_index_));
      std::string_view key(PQgetvalue(res.r, i, key_index_));
      row.raw = raw;
      row.line = 0;
      // Dead letters are keyed by this: the same row version, the same key.
      row.begin = Fnv1a64(std::string(key) + "\x1f" + std::string(cursor));
      row.end = row.begin;
      ingest::RawRecord rec;
      Status mapped = mapper_->Map(row, columns_, &rec);
      // (Key and cursor bounded: a position is shown and logged.)
      std::string where =
          "postgres:" + c_.name + " key " + Preview(key) + " at " + Preview(cursor, 60);
      if (mapped.ok()) {
        rec.position.file = std::move(where);
        batch->rows.push_back(std::move(rec));
      } else {
        auto pos = mapper_->Position(row);
        pos.file = std::move(where);
        batch->rejected.push_back({pos, mapped.message(), Preview(raw, kDeadLetterRawBytes)});
      }
    }
    batch->checkpoint_position = json::array({cursor_, key_}).dump();
    batch->checkpoint_description =
        c_.postgres.cursor_column + " " + cursor_ + ", " + c_.postgres.key_column + " " + key_;
    return true;
  }

 private:
  // Sends the query for the page after (cursor_, key_), or for the first
  // page; its result is taken by the next NextBatch.
  Status SendPage() {
    std::vector<const char*> params;
    if (has_cursor_) params = {cursor_.c_str(), key_.c_str()};
    if (!window_.first.empty()) {
      params.push_back(window_.first.c_str());
      params.push_back(window_.second.c_str());
    }
    if (PQsendQueryParams(conn_, has_cursor_ ? next_sql_.c_str() : first_sql_.c_str(),
                          static_cast<int>(params.size()), nullptr, params.data(), nullptr, nullptr,
                          0) != 1)
      return Status::IOError("connector " + c_.name + ": query failed: " + Message());
    pending_ = true;
    return Status::Ok();
  }
  std::string Message() const {
    std::string m = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
  }
  Status Exec(const std::string& sql) {
    PgResult r;
    r.r = PQexec(conn_, sql.c_str());
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK)
      return Status::IOError("connector " + c_.name + ": " + sql + ": " + Message());
    return Status::Ok();
  }
  std::string Ident(const std::string& name) const {
    // A schema-qualified table is quoted part by part.
    std::string out;
    size_t start = 0;
    while (true) {
      size_t dot = name.find('.', start);
      std::string part = name.substr(start, dot == std::string::npos ? dot : dot - start);
      char* q = PQescapeIdentifier(conn_, part.c_str(), part.size());
      out += q;
      PQfreemem(q);
      if (dot == std::string::npos) break;
      out += ".";
      start = dot + 1;
    }
    return out;
  }
  Status ResolveColumns(PGresult* r) {
    for (const auto& col : columns_) {
      int idx = PQfnumber(r, ("\"" + col + "\"").c_str());
      if (idx < 0) {
        std::string have;
        for (int i = 0; i < PQnfields(r); ++i) {
          std::string n = PQfname(r, i);
          if (n.starts_with("fg$")) continue;
          have += (have.empty() ? "" : ", ") + n;
        }
        return Status::InvalidArgument(
            "connector " + c_.name + ": mapping " + mapping_.path + " reads column '" + col +
            "', which the query does not return (it returns: " + have + ")");
      }
      index_.push_back(idx);
    }
    cursor_index_ = PQfnumber(r, (std::string("\"") + kCursorCol + "\"").c_str());
    key_index_ = PQfnumber(r, (std::string("\"") + kKeyCol + "\"").c_str());
    return Status::Ok();
  }

  const ConnectorConfig& c_;
  Mapping mapping_;
  PGconn* conn_ = nullptr;
  std::vector<std::string> columns_;
  std::unique_ptr<RowMapper> mapper_;
  std::vector<int> index_;
  int cursor_index_ = -1, key_index_ = -1;
  std::string first_sql_, next_sql_;
  std::string cursor_, key_;
  bool has_cursor_ = false;
  bool pending_ = false;  // a page query was sent and its result not yet taken
  std::string stream_;
  std::pair<std::string, std::string> window_;  // backfill [from, to); empty: none
};

}  // namespace

std::string PostgresStream(const ConnectorConfig& c, const RunOptions& o) {
  return "pg:" + c.name + (o.from.empty() ? "" : " backfill " + o.from + " to " + o.to);
}

Result<std::unique_ptr<BatchSource>> NewPostgresSource(ingest::IngestPipeline& pipeline,
                                                       const ConnectorConfig& c,
                                                       const RunOptions& o) {
  auto src = std::make_unique<PostgresSource>(c);
  FG_RETURN_IF_ERROR(src->Open(pipeline, o));
  return std::unique_ptr<BatchSource>(std::move(src));
}

}  // namespace faultgraph::connectors
