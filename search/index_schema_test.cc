#include "search/index_schema.h"

#include <gtest/gtest.h>

namespace faultgraph::search {
namespace {

TEST(StoredDoc, RoundTripsWithTheCause) {
  StoredDoc d;
  d.kind = "case";
  d.id = "C1";
  d.title = "不制冷";
  d.folded = "不制冷";
  d.product = "AC-1";
  d.components = {"COMP", "CAP"};
  d.symptoms = {"AC:E4"};
  d.fixes = {"FX-1"};
  d.opened_ms = 1700000000000LL;
  d.cause = "磨损";
  auto back = StoredDoc::Parse(d.Serialise());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, "C1");
  EXPECT_EQ(back->components, d.components);
  EXPECT_EQ(back->opened_ms, d.opened_ms);
  EXPECT_EQ(back->cause, "磨损");
}

// Issue 17: the text as written is kept beside the folded text; documents
// written before it (ending at the cause) still read, with nothing shown.
TEST(StoredDoc, KeepsTheTextAsWrittenAndReadsDocumentsWithoutIt) {
  StoredDoc d;
  d.kind = "case";
  d.id = "C1";
  d.folded = "空调不制冷,故障码e4";
  d.cause = "x";
  const std::string before = d.Serialise();
  d.shown = "空調不製冷，故障碼E4";
  auto back = StoredDoc::Parse(d.Serialise());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->shown, d.shown);
  EXPECT_EQ(back->cause, "x");
  auto old = StoredDoc::Parse(before);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->shown, "");
  EXPECT_EQ(old->cause, "x");
}

// Issue 23: the document was fields between \x1e, items between \x1f,
// unescaped: a ticket text holding one of them (control characters pass
// validation) read back as an empty document, silently.
TEST(StoredDoc, AnyBytesInAFieldRoundTrip) {
  StoredDoc d;
  d.kind = "case";
  d.id = std::string(
      "C\x1e"
      "1\0",
      4);
  d.title = "noise\x1e\x1f after \x1e start";
  d.folded = std::string("noise\0\x01\xff", 8);
  d.product =
      "AC\x1f"
      "1";
  d.components = {
      "COMP\x1f"
      "A",
      "", "CAP"};
  d.symptoms = {};
  d.fixes = {
      "FX\x1e"
      "1"};
  d.opened_ms = -5;
  d.cause = "\x1e";
  auto back = StoredDoc::Parse(d.Serialise());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->kind, d.kind);
  EXPECT_EQ(back->id, d.id);
  EXPECT_EQ(back->title, d.title);
  EXPECT_EQ(back->folded, d.folded);
  EXPECT_EQ(back->product, d.product);
  EXPECT_EQ(back->components, d.components);
  EXPECT_EQ(back->symptoms, d.symptoms);
  EXPECT_EQ(back->fixes, d.fixes);
  EXPECT_EQ(back->opened_ms, -5);
  EXPECT_EQ(back->cause, d.cause);
}

TEST(StoredDoc, DamagedDocumentsAreCorruption) {
  StoredDoc d;
  d.kind = "case";
  d.id = "C1";
  d.components = {"COMP"};
  std::string data = d.Serialise();
  for (size_t cut : {size_t{1}, data.size() / 2, data.size() - 1}) {
    auto r = StoredDoc::Parse(data.substr(0, cut));
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
    EXPECT_NE(r.status().message().find("reindex"), std::string::npos);
  }
  EXPECT_FALSE(StoredDoc::Parse(data + "x").ok());
  EXPECT_FALSE(StoredDoc::Parse("").ok());
  // The older format: a field that held a separator, or a bad number.
  std::string shifted = std::string("case\x1e") + "C2\x1e" + "t\x1e\x1e" + "t\x1e" + "AC-1\x1e" +
                        "COMP\x1e" + "AC:E4\x1e" + "FX-1\x1e" + "42\x1e" + "worn";
  auto r = StoredDoc::Parse(shifted);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
  std::string bad_time = std::string("case\x1e") + "C2\x1e" + "t\x1e" + "t\x1e" + "AC-1\x1e" +
                         "COMP\x1e" + "AC:E4\x1e" + "FX-1\x1e" + "4x2";
  EXPECT_EQ(StoredDoc::Parse(bad_time).status().code(), Status::Code::kCorruption);
}

// Documents indexed before the cause was stored still read, without one.
TEST(StoredDoc, OlderDocumentsReadWithoutACause) {
  std::string old = std::string("case\x1e") + "C2\x1e" + "t\x1e" + "t\x1e" + "AC-1\x1e" +
                    "COMP\x1e" + "AC:E4\x1e" + "FX-1\x1e" + "42";
  auto d = StoredDoc::Parse(old);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->id, "C2");
  EXPECT_EQ(d->components, std::vector<std::string>{"COMP"});
  EXPECT_EQ(d->opened_ms, 42);
  EXPECT_EQ(d->cause, "");
  auto with_cause = StoredDoc::Parse(old + "\x1e" + "worn");
  ASSERT_TRUE(with_cause.ok());
  EXPECT_EQ(with_cause->cause, "worn");
}

}  // namespace
}  // namespace faultgraph::search
