#include "connectors/file_connector.h"

#include <gtest/gtest.h>

#include "connectors/test_util.h"
#include "graph/graph_store.h"

namespace faultgraph::connectors {

using graph::Cf;
using graph::EdgeType;
namespace keys = graph::keys;

class FileConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    pipeline_.reset();
    store_.reset();
    auto s = graph::GraphStore::Open(dir_.Path("db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
  }
  Mapping LoadCaseMapping(const std::string& extra = "") {
    auto m = ParseMapping(std::string(kCaseMapping) + extra, "case.toml");
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return *m;
  }
  TempDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
};

TEST_F(FileConnectorTest, MalformedRowsGoToDeadLettersGoodRowsLand) {
  std::string csv =
      "ticket,model,opened,text,codes,part,updated\n"
      "T1,AC-200,2024-03-01,不制冷,E4,COMP-1,1\n"
      "T2,AC-200,2024-03-01,\"never closed,E4,COMP-1,1\n"  // unterminated quote
      "T3,AC-200,2024-03-02,ok,E4,COMP-1\n"                // wrong column count
      "T4,AC-200,2024-13-45,bad date,E4,COMP-1,1\n"        // bad date
      "T5,AC-200,2024-03-03,bad \xFF utf8,E4,COMP-1,1\n"   // invalid UTF-8
      "T6,AC-200,2024-03-04,\"multi\nline, quoted\",E5,FAN-2,1\n";
  std::string path = dir_.Write("tickets.csv", csv);
  auto r = IngestFile(*pipeline_, LoadCaseMapping(), path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 2);
  EXPECT_EQ(r->stats.rejected, 4);
  EXPECT_EQ(r->end_offset, csv.size());
  EXPECT_TRUE(store_->GetCase("T1").ok());
  EXPECT_EQ(store_->GetCase("T6")->symptom_text, "multi\nline, quoted");
  auto dl = store_->ListDeadLetters("crm", 100);
  ASSERT_TRUE(dl.ok());
  ASSERT_EQ(dl->size(), 4u);
  EXPECT_NE((*dl)[0].reason.find("unbalanced quote: the '\"' on line 3"), std::string::npos)
      << (*dl)[0].reason;
  EXPECT_EQ((*dl)[0].raw, "T2,AC-200,2024-03-01,\"never closed,E4,COMP-1,1");
  EXPECT_EQ((*dl)[0].line, 3);
  EXPECT_EQ((*dl)[0].position, path + ":3");
  EXPECT_EQ((*dl)[1].reason, "expected 7 columns (as in the header), found 6");
  EXPECT_EQ((*dl)[1].raw, "T3,AC-200,2024-03-02,ok,E4,COMP-1");
  EXPECT_NE((*dl)[2].reason.find("field 'opened': '2024-13-45' is not a date"), std::string::npos);
  EXPECT_NE((*dl)[3].reason.find("field 'symptom_text' is not valid UTF-8"), std::string::npos);
  EXPECT_EQ((*dl)[3].raw, "T5,AC-200,2024-03-03,bad \\xFF utf8,E4,COMP-1,1");
}

TEST_F(FileConnectorTest, SameFileTwiceChangesNothing) {
  std::string path = dir_.Write("t.csv",
                                "ticket,model,opened,text,codes,part,updated\n"
                                "T1,AC-200,2024-03-01,x,E4,COMP-1,1\n"
                                "T2,AC-200,2024-03-01,y,E4,COMP-1,1\n"
                                "T3,AC-200,2024-03-01,z,E4,FAN-2,1\n");
  Mapping m = LoadCaseMapping();
  ASSERT_TRUE(IngestFile(*pipeline_, m, path).ok());
  auto before = store_->Digest();
  auto again = IngestFile(*pipeline_, m, path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stats.applied, 0);
  EXPECT_EQ(again->batches, 0u);  // resumed at the end: nothing read
  EXPECT_EQ(store_->Digest()->hex, before->hex);
  // The same rows in another file (other identity) are skipped by dedup.
  std::string copy = dir_.Write("copy.csv",
                                "ticket,model,opened,text,codes,part,updated\n"
                                "T2,AC-200,2024-03-01,y,E4,COMP-1,1\n");
  auto dup = IngestFile(*pipeline_, m, copy);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->stats.skipped, 1);
  EXPECT_EQ(store_->Digest()->hex, before->hex);
  EXPECT_EQ(*store_->GetCount(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "COMP-1")),
            2u);
}

TEST_F(FileConnectorTest, UpdatedRowRetractsItsOldVersion) {
  Mapping m = LoadCaseMapping();
  std::string header = "ticket,model,opened,text,codes,part,updated\n";
  ASSERT_TRUE(IngestFile(*pipeline_, m,
                         dir_.Write("a.csv", header + "T1,AC-200,2024-03-01,x,E4,COMP-1,1\n"))
                  .ok());
  ASSERT_TRUE(
      IngestFile(*pipeline_, m, dir_.Write("b.csv", header + "T1,AC-200,2024-03-01,x,E4,FAN-2,2\n"))
          .ok());
  EXPECT_EQ(*store_->GetCount(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "COMP-1")),
            0u);
  EXPECT_EQ(*store_->GetCount(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "FAN-2")),
            1u);
}

TEST_F(FileConnectorTest, StopAndResumeEqualsOneRun) {
  std::string csv = "ticket,model,opened,text,codes,part,updated\n";
  for (int i = 0; i < 25; ++i) {
    csv += "T" + std::to_string(i) + ",AC-200,2024-03-01,t,E" + std::to_string(i % 3) + ",P" +
           std::to_string(i % 4) + ",1\n";
  }
  std::string path = dir_.Write("big.csv", csv);
  Mapping m = LoadCaseMapping();
  std::atomic<bool> stop{true};
  FileIngestOptions opts;
  opts.stop = &stop;
  auto first = IngestFile(*pipeline_, m, path, opts);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->stopped);
  EXPECT_EQ(first->stats.applied, 2);
  auto cps = store_->ListCheckpoints();
  ASSERT_TRUE(cps.ok() && cps->size() == 1u);
  auto committed = DecodeFilePosition((*cps)[0].position);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->offset, first->end_offset);
  EXPECT_EQ(committed->line, 4);  // the next row: after the header and the two rows
  EXPECT_TRUE(DecodeFilePosition("12x:3").status().IsCorruption());
  Reopen();  // as after a restart
  auto rest = IngestFile(*pipeline_, m, path);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->resumed_from, first->end_offset);
  EXPECT_EQ(rest->stats.applied, 23);
  EXPECT_EQ(rest->stats.skipped, 0);
  auto resumed = store_->Digest();

  TempDir other("_clean");
  auto s2 = graph::GraphStore::Open(other.Path("db"));
  ingest::IngestPipeline p2(s2->get());
  ASSERT_TRUE(IngestFile(p2, m, path).ok());
  EXPECT_EQ((*s2)->Digest()->hex, resumed->hex);
}

// Files are known by their first 4 KiB, so a renamed or grown file is the
// same file. A different file that starts the same way is not resumed at
// the other's offset (its later rows would be lost) but read whole.
TEST_F(FileConnectorTest, AFileThatOnlyStartsLikeAnotherIsReadWhole) {
  Mapping m = LoadCaseMapping();
  auto rows = [](int from, int to, int version) {
    std::string out;
    for (int i = from; i < to; ++i) {
      out += "T" + std::to_string(i) + ",AC-200,2024-03-01,padding text for row " +
             std::to_string(i) + ",E4,COMP-1," + std::to_string(version) + "\n";
    }
    return out;
  };
  const std::string header = "ticket,model,opened,text,codes,part,updated\n";
  const std::string first = header + rows(0, 200, 1);  // well over 4 KiB
  ASSERT_GT(first.size(), 8192u);
  auto a = IngestFile(*pipeline_, m, dir_.Write("export-1.csv", first));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->stats.applied, 200);

  // Grown in place: resumed where it ended, only the new rows read.
  auto grown = IngestFile(*pipeline_, m, dir_.Write("export-1.csv", first + rows(200, 210, 1)));
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ(grown->stream, a->stream);
  EXPECT_EQ(grown->resumed_from, first.size());
  EXPECT_EQ(grown->stats.applied, 10);

  // The next export: the same head, then rows 150..209 updated and more
  // rows; it is as long as the first. Read whole under its own identity.
  std::string next = header + rows(0, 150, 1) + rows(150, 210, 2) + rows(210, 220, 1);
  auto b = IngestFile(*pipeline_, m, dir_.Write("export-2.csv", next));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NE(b->stream, a->stream);
  EXPECT_EQ(b->resumed_from, header.size());
  EXPECT_EQ(b->stats.applied, 70);   // 60 updated, 10 new
  EXPECT_EQ(b->stats.skipped, 150);  // the rows already in, by version
  auto again = IngestFile(*pipeline_, m, dir_.Write("export-2.csv", next));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stream, b->stream);  // and that identity resumes at its end
  EXPECT_EQ(again->batches, 0u);

  // Shorter than the offset committed under its head: read whole, no error.
  auto c = IngestFile(*pipeline_, m, dir_.Write("export-3.csv", header + rows(0, 180, 3)));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->stats.applied, 180);
}

TEST_F(FileConnectorTest, Gb18030FileIngestsAsUtf8) {
  std::string csv =
      "ticket,model,opened,text,codes,part,updated\r\n"
      "T1,AC-200,2024-03-01,空调压缩机不制冷，显示E4故障码,E4,压缩机,1\r\n"
      "T2,AC-200,2024-03-02,\"風扇異響, 噪音大\",E5,風扇,1\r\n";
  std::string path = dir_.Write("gbk.csv", ToGb18030(csv));
  auto r = IngestFile(*pipeline_, LoadCaseMapping(), path);  // encoding = auto
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 2);
  EXPECT_EQ(r->stats.rejected, 0);
  EXPECT_EQ(store_->GetCase("T1")->symptom_text, "空调压缩机不制冷，显示E4故障码");
  EXPECT_EQ(store_->GetCase("T2")->symptom_text, "風扇異響, 噪音大");
  EXPECT_EQ(store_->GetCase("T2")->components, (std::vector<std::string>{"風扇"}));
}

// Alarms as JSON Lines, their serial in a nested object.
constexpr const char* kSensorMapping = R"(
[source]
name = "sensors"
record = "sensor_event"
format = "jsonl"
[key]
columns = ["id"]
[fields]
asset_serial = "unit.serial"
time = { column = "ts", format = "epoch_ms" }
code = "alarm"
value = "value"
)";

TEST_F(FileConnectorTest, JsonLinesWithNestedKeys) {
  auto m = ParseMapping(kSensorMapping, "s.toml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::string jsonl =
      "{\"id\":\"a1\",\"unit\":{\"serial\":\"SN1\"},\"ts\":1709303400000,\"alarm\":\"hp\","
      "\"value\":31.5}\n"
      "{\"id\":\"a2\",\"unit\":{\"serial\":\"SN1\"},\"ts\":1709303500000,\"alarm\":\"hp\"\n"
      "[1,2]\n"
      "\n"
      "{\"id\":\"a3\",\"unit\":{\"serial\":\"SN1\"},\"ts\":1709303600000,\"value\":\"n/a\"}\n";
  auto r = IngestFile(*pipeline_, *m, dir_.Write("s.jsonl", jsonl));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 1);
  EXPECT_EQ(r->stats.rejected, 3);
  auto ev = store_->GetEvent("sensor", "a1");
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->code, "HP");
  EXPECT_DOUBLE_EQ(ev->value, 31.5);
  auto dl = store_->ListDeadLetters("sensors", 10);
  ASSERT_EQ(dl->size(), 3u);
  EXPECT_NE((*dl)[0].reason.find("invalid JSON"), std::string::npos);
  EXPECT_EQ((*dl)[1].reason, "the line is not a JSON object");
  EXPECT_EQ((*dl)[2].line, 5);
  EXPECT_NE((*dl)[2].reason.find("field 'value': 'n/a' is not a number"), std::string::npos);
  EXPECT_EQ(store_->AssetTimeline("SN1", 10)->size(), 1u);
}

TEST_F(FileConnectorTest, MappedColumnMissingFromHeaderIsAnError) {
  std::string path = dir_.Write("t.csv", "ticket,model\nT1,AC\n");
  auto r = IngestFile(*pipeline_, LoadCaseMapping(), path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(
      r.status().message().find("column 'updated' is not in the header (columns: ticket, model)"),
      std::string::npos)
      << r.status().message();
  EXPECT_FALSE(IngestFile(*pipeline_, LoadCaseMapping(), dir_.Path("missing.csv")).ok());
}

constexpr const char* kHeader = "ticket,model,opened,text,codes,part,updated\n";

std::string Row(int i, const std::string& text = "ok") {
  return "T" + std::to_string(i) + ",AC-200,2024-03-01," + text + ",E4,COMP-1,1\n";
}

TEST_F(FileConnectorTest, AJsonArrayInAMappedFieldLands) {
  // Used to kill the process (SIGSEGV) on every run: the checkpoint never
  // passed the line. An array's text is its items joined ("" and "1;2"):
  // "value" is a number, so the first has none and the second is a dead letter.
  auto m = ParseMapping(kSensorMapping, "a.toml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::string jsonl =
      "{\"id\":\"AL1\",\"unit\":{\"serial\":\"AC1\"},\"ts\":1,\"alarm\":\"X\",\"value\":[]}\n"
      "{\"id\":\"AL2\",\"unit\":{\"serial\":\"AC1\"},\"ts\":2,\"alarm\":\"X\",\"value\":[1,[2]]}\n";
  auto r = IngestFile(*pipeline_, *m, dir_.Write("a.jsonl", jsonl));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 1);
  EXPECT_EQ(r->stats.rejected, 1);
  EXPECT_EQ(r->end_offset, jsonl.size());
  EXPECT_NE((*store_->ListDeadLetters("sensors", 10))[0].reason.find("'1;2' is not a number"),
            std::string::npos);
}

TEST_F(FileConnectorTest, AnOverSizeRowIsOneBoundedDeadLetter) {
  std::string big = "T2,AC-200,2024-03-01," + std::string(200'000, 'x') + ",E4,COMP-1,1\n";
  std::string csv = kHeader + Row(1) + big + Row(3);
  Mapping m = LoadCaseMapping("[limits]\nmax_row_bytes = 100000\n");
  auto r = IngestFile(*pipeline_, m, dir_.Write("t.csv", csv));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 2);  // nothing else in the batch lost
  EXPECT_EQ(r->stats.rejected, 1);
  auto dl = store_->ListDeadLetters("crm", 10);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].reason, "row of " + std::to_string(big.size() - 1) +
                                 " bytes exceeds max_row_bytes = 100000 at line 3");
  EXPECT_LE((*dl)[0].raw.size(), 64u * 1024);
  EXPECT_TRUE((*dl)[0].raw.ends_with("… (" + std::to_string(big.size() - 1) + " bytes)"));
}

TEST_F(FileConnectorTest, AQuotedCellOf250000LinesIsOneRowOrOneDeadLetter) {
  // Was 250,018 dead letters.
  std::string cell;
  for (int i = 0; i < 250'000; ++i) cell += std::string(39, 'y') + "\n";
  std::string csv =
      kHeader + Row(1) + "T2,AC-200,2024-03-01,\"" + cell + "\",E4,COMP-1,1\n" + Row(3);
  auto over = IngestFile(*pipeline_, LoadCaseMapping(), dir_.Write("t.csv", csv));
  ASSERT_TRUE(over.ok()) << over.status().ToString();
  EXPECT_EQ(over->stats.applied, 2);
  EXPECT_EQ(over->stats.rejected, 1);
  auto dl = store_->ListDeadLetters("crm", 10);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].reason, "row of " + std::to_string(cell.size() + 35) +
                                 " bytes exceeds max_row_bytes = 4194304 at line 3");
  // Within raised limits the same row lands, and the row after it has its line.
  Reopen();
  Mapping m = LoadCaseMapping("[limits]\nmax_field_bytes = 20000000\nmax_row_bytes = 20000000\n");
  m.source = "crm2";
  auto ok = IngestFile(*pipeline_, m, dir_.Write("t2.csv", csv + Row(4)));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->stats.applied, 4);
  EXPECT_EQ(ok->stats.rejected, 0);
}

TEST_F(FileConnectorTest, AMultiLineCellInARowOfTheWrongWidthIsOneDeadLetter) {
  std::string cell;
  for (int i = 0; i < 1000; ++i) cell += "line\n";
  std::string csv = std::string(kHeader) + Row(1) + "T2,AC-200,2024-03-01,\"" + cell +
                    "\",E4,COMP-1,1,extra\n" + Row(3);
  auto r = IngestFile(*pipeline_, LoadCaseMapping(), dir_.Write("t.csv", csv));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 2);
  EXPECT_EQ(r->stats.rejected, 1);  // was 1,001: one per line of the cell
  auto dl = store_->ListDeadLetters("crm", 10);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].reason, "expected 7 columns (as in the header), found 8");
}

TEST_F(FileConnectorTest, ABrokenQuotePastTheRowLimitLosesOnlyItsLine) {
  // The quote on line 3 would swallow every row up to the next quote: over
  // max_row_bytes with the wrong column count, it is still one bad line.
  std::string csv = std::string(kHeader) + Row(1) + Row(2, "\"broken");
  for (int i = 3; i <= 20; ++i) csv += Row(i);
  csv += Row(21, "\"quoted, fine\"");
  auto r = IngestFile(*pipeline_, LoadCaseMapping("[limits]\nmax_row_bytes = 200\n"),
                      dir_.Write("t.csv", csv));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 20);
  EXPECT_EQ(r->stats.rejected, 1);
  auto dl = store_->ListDeadLetters("crm", 10);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_NE((*dl)[0].reason.find("unbalanced quote: the '\"' on line 3"), std::string::npos)
      << (*dl)[0].reason;
}

TEST_F(FileConnectorTest, AnOverLongKeyIsRefusedWithAShortMessage) {
  std::string key(300, 'K');
  std::string csv = kHeader + Row(1) + key + ",AC-200,2024-03-01,x,E4,COMP-1,1\n" + Row(3);
  auto r = IngestFile(*pipeline_, LoadCaseMapping(), dir_.Write("t.csv", csv));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 2);
  auto dl = store_->ListDeadLetters("crm", 10);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].reason,
            "key '" + key.substr(0, 40) + "…' of 300 bytes exceeds max_key_bytes = 200");
}

TEST_F(FileConnectorTest, CrOnlyLineEnds) {
  std::string csv = std::string(kHeader) + Row(1) + Row(2, "\"two\nlines\"");
  for (char& c : csv) c = c == '\n' ? '\r' : c;
  auto r = IngestFile(*pipeline_, LoadCaseMapping(), dir_.Write("mac.csv", csv));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 2);
  EXPECT_EQ(r->stats.rejected, 0);
  EXPECT_NE(store_->GetCase("T2")->symptom_text.find("lines"), std::string::npos);
}

TEST_F(FileConnectorTest, Utf16WithABomIsConvertedAndResumes) {
  std::string utf8 = std::string(kHeader) + Row(1, "空调不制冷") + Row(2, "風扇異響");
  std::string path = dir_.Write("u16.csv", "\xFF\xFE" + Encode(utf8, "UTF-16LE"));
  auto r = IngestFile(*pipeline_, LoadCaseMapping(), path);  // encoding = auto
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stats.applied, 2);
  EXPECT_EQ(store_->GetCase("T1")->symptom_text, "空调不制冷");
  EXPECT_EQ(r->end_offset, utf8.size());  // offsets of the UTF-8 text
  auto again = IngestFile(*pipeline_, LoadCaseMapping(), path);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->resumed);
  EXPECT_EQ(again->batches, 0u);
}

TEST_F(FileConnectorTest, ShiftJisUnderAutoIsRefusedNamingIt) {
  std::string utf8 = std::string(kHeader);
  for (int i = 0; i < 30; ++i) utf8 += Row(i, "エアコンが冷えない、コンプレッサーの騒音");
  auto r =
      IngestFile(*pipeline_, LoadCaseMapping(), dir_.Write("sjis.csv", Encode(utf8, "SHIFT_JIS")));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("looks like SHIFT_JIS"), std::string::npos)
      << r.status().message();
}

}  // namespace faultgraph::connectors
