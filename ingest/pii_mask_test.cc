#include "ingest/pii_mask.h"

#include <gtest/gtest.h>

namespace faultgraph::ingest {

TEST(PiiMask, MobileLandlineIdAndEmailKeepAReadableShape) {
  PiiMasker m({"联系人", "contact"});
  EXPECT_EQ(m.Mask("电话13812348000请回电"), "电话138****8000请回电");
  EXPECT_EQ(m.Mask("tel +86 138 1234 8000"), "tel +86 138 **** 8000");
  EXPECT_EQ(m.Mask("座机010-62345678"), "座机010-****5678");
  EXPECT_EQ(m.Mask("0755-12345678"), "0755-****5678");
  EXPECT_EQ(m.Mask("身份证11010519491231002X"), "身份证110***********002X");
  EXPECT_EQ(m.Mask("mail zhang.wei@example.com now"), "mail z***@example.com now");
}

TEST(PiiMask, InvalidIdChecksumAndCodesAreLeftAlone) {
  PiiMasker m({});
  EXPECT_EQ(m.Mask("110105194912310021"), "110105194912310021");  // bad check digit
  EXPECT_EQ(m.Mask("E4 code on AC00043, cost 350, 2025-03-01"),
            "E4 code on AC00043, cost 350, 2025-03-01");
}

TEST(PiiMask, NamesAfterLabels) {
  PiiMasker m({"联系人", "contact"});
  EXPECT_EQ(m.Mask("联系人：张先生 不制冷"), "联系人：张** 不制冷");
  EXPECT_EQ(m.Mask("Contact: John Smith called"), "Contact: J********* called");
}

TEST(PiiMask, ResidentIdChecksum) {
  EXPECT_TRUE(IsValidResidentId("11010519491231002X"));
  EXPECT_TRUE(IsValidResidentId("440524188001010014"));
  EXPECT_FALSE(IsValidResidentId("440524188001010015"));
  EXPECT_FALSE(IsValidResidentId("4405241880010100"));
}

}  // namespace faultgraph::ingest
