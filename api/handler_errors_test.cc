// Statuses from below reach API callers as the right typed error: what is
// the request's fault is BadRequest naming the field, what is the
// service's is Unavailable (issue 23).
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "api/handler.h"
#include "ingest/test_pipeline.h"

namespace faultgraph::api {
namespace {

constexpr const char* kMapping = R"(
[source]
name = "crm"
record = "case"
encoding = "utf-16le"
[key]
columns = ["ticket"]
[fields]
case_id = "ticket"
product = "model"
opened = "opened"
symptom_text = "text"
)";

class HandlerErrorsTest : public ingest::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    handler_ = std::make_unique<Handler>(store_.get(), pipeline_.get(), /*search=*/nullptr);
  }
  void TearDown() override {
    if (!tmpdir_) return;
    if (tmpdir_->has_value()) {
      setenv("TMPDIR", (*tmpdir_)->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
  }
  // TMPDIR set to `value` for the rest of the test.
  void SetTmpDir(const std::string& value) {
    const char* old = std::getenv("TMPDIR");
    tmpdir_ = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
    setenv("TMPDIR", value.c_str(), 1);
  }

  std::unique_ptr<Handler> handler_;
  std::optional<std::optional<std::string>> tmpdir_;  // TMPDIR before SetTmpDir
};

// "search not available" travels as Unavailable, not as an I/O error.
TEST_F(HandlerErrorsTest, NoSearchIsUnavailable) {
  SearchResult out;
  try {
    handler_->searchFixes(out, "compressor", SearchFilters(), 0, 10);
    FAIL() << "no exception";
  } catch (const Unavailable& e) {
    EXPECT_EQ(e.message, "Unavailable: search is not available");
  }
  try {
    handler_->runConnector("x", false);
    FAIL() << "no exception";
  } catch (const Unavailable& e) {
    EXPECT_EQ(e.message.rfind("FailedPrecondition: this daemon runs no connectors", 0), 0u)
        << e.message;
  }
}

// A file that is not there is the caller's mistake; a failure of the
// service while reading a good file (here: no room for the UTF-8 copy of a
// UTF-16 file, as on a full disk) is not, and was reported as BadRequest.
TEST_F(HandlerErrorsTest, FileIngestBlamesTheCallerOnlyForThePath) {
  const std::string mapping = dir_.Write("case.toml", kMapping);
  IngestResult out;
  try {
    handler_->ingestFile(out, mapping, dir_.Path("missing.csv"));
    FAIL() << "no exception";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "filePath");
    EXPECT_NE(e.message.find("missing.csv"), std::string::npos) << e.message;
  }
  try {
    handler_->ingestFile(out, mapping, dir_.Path(""));  // a directory
    FAIL() << "no exception";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "filePath");
  }

  std::string utf16;
  for (char c : std::string("ticket,model,opened,text\nT1,AC-1,2024-03-01,noise\n")) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  const std::string file = dir_.Write("tickets.csv", "\xff\xfe" + utf16);
  SetTmpDir(dir_.Path("no such directory"));
  try {
    handler_->ingestFile(out, mapping, file);
    FAIL() << "no exception";
  } catch (const BadRequest& e) {
    FAIL() << "blamed on the request (" << e.field << "): " << e.message;
  } catch (const Unavailable& e) {
    EXPECT_NE(e.message.find("IOError: cannot create a temporary file"), std::string::npos)
        << e.message;
  }
}

TEST_F(HandlerErrorsTest, KpiGroupingIsTheByField) {
  KpiRequest req;
  req.by = "week";
  req.windowDays = 30;
  std::vector<KpiRow> out;
  try {
    handler_->kpis(out, req);
    FAIL() << "no exception";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "by");
    EXPECT_NE(e.message.find("'week'"), std::string::npos);
  }
  req.by = "month";
  EXPECT_NO_THROW(handler_->kpis(out, req));
}

// byteOffset is a position only for files: PostgreSQL, HTTP and MQTT dead
// letters keep a hash of the row's key there, which was shown as a byte
// offset.
TEST_F(HandlerErrorsTest, ByteOffsetOnlyForFiles) {
  graph::GraphBatch b = store_->NewBatch();
  graph::storage::DeadLetter pg;
  pg.source = "erp";
  pg.stream = "pg:orders";
  pg.position = "key 17, cursor 2024-03-01";
  pg.byte_offset = static_cast<int64_t>(0x9e3779b97f4a7c15ULL >> 1);
  b.PutDeadLetter(pg, static_cast<uint64_t>(pg.byte_offset));
  graph::storage::DeadLetter file = pg;
  file.stream = "file:0123456789abcdef";
  file.position = "tickets.csv:3";
  file.byte_offset = 120;
  b.PutDeadLetter(file, 120);
  ASSERT_TRUE(store_->Commit(b).ok());
  std::vector<DeadLetter> out;
  handler_->deadLetters(out, "erp", 10);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& d : out) {
    if (d.stream == pg.stream) {
      EXPECT_EQ(d.byteOffset, -1);
    } else {
      EXPECT_EQ(d.byteOffset, 120);
    }
  }
}

}  // namespace
}  // namespace faultgraph::api
