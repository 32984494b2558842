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
  StoredDoc back = StoredDoc::Parse(d.Serialise());
  EXPECT_EQ(back.id, "C1");
  EXPECT_EQ(back.components, d.components);
  EXPECT_EQ(back.opened_ms, d.opened_ms);
  EXPECT_EQ(back.cause, "磨损");
}

// Documents indexed before the cause was stored still read, without one.
TEST(StoredDoc, OlderDocumentsReadWithoutACause) {
  std::string old = std::string("case\x1e") + "C2\x1e" + "t\x1e" + "t\x1e" + "AC-1\x1e" +
                    "COMP\x1e" + "AC:E4\x1e" + "FX-1\x1e" + "42";
  StoredDoc d = StoredDoc::Parse(old);
  EXPECT_EQ(d.id, "C2");
  EXPECT_EQ(d.components, std::vector<std::string>{"COMP"});
  EXPECT_EQ(d.opened_ms, 42);
  EXPECT_EQ(d.cause, "");
}

}  // namespace
}  // namespace faultgraph::search
