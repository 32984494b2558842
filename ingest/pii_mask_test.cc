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

namespace faultgraph::ingest {
namespace {

PiiMasker& Default() {
  static PiiMasker m(
      {"联系人", "聯繫人", "客户", "客戶", "用户", "姓名", "customer", "contact", "name"});
  return m;
}

}  // namespace

TEST(PiiMask, PhonesInTheFormsPeopleWrite) {
  PiiMasker& m = Default();
  EXPECT_EQ(m.Mask("手机：１３８１２３４５６７８"), "手机：１３８****５６７８");
  EXPECT_EQ(m.Mask("Tel13812345678"), "Tel138****5678");
  EXPECT_EQ(m.Mask("138 1234 5678"), "138 **** 5678");
  EXPECT_EQ(m.Mask("138  1234  5678"), "138  ****  5678");
  EXPECT_EQ(m.Mask("138.1234.5678"), "138.****.5678");
  EXPECT_EQ(m.Mask("0086-138-1234-5678"), "0086-138-****-5678");
  EXPECT_EQ(m.Mask("(010) 6234 5678"), "(010) **** 5678");
  EXPECT_EQ(m.Mask("0755-8888 8888转123"), "0755-**** 8888转123");
  EXPECT_EQ(m.Mask("010-62345678-8021"), "010-****5678-8021");
  EXPECT_EQ(m.Mask("2024-03-01 13812345678"), "2024-03-01 138****5678");
  EXPECT_EQ(m.Mask("電話：+852 9123 4567"), "電話：+852 **** 4567");
}

TEST(PiiMask, IdsCardsAndEmails) {
  PiiMasker& m = Default();
  EXPECT_EQ(m.Mask("身份证110105491231002"), "身份证110********1002");
  EXPECT_EQ(m.Mask("卡号 6222 0212 3456 7890 128"), "卡号 6222 **** **** ***0 128");
  EXPECT_EQ(m.Mask("zhang.wei＠example.com"), "z***＠example.com");
  EXPECT_EQ(m.Mask("li [at] example [dot] com"), "l*** [at] example [dot] com");
  EXPECT_EQ(m.Mask("wang at qq dot com"), "w*** at qq dot com");
}

TEST(PiiMask, NamesAddressesAndPlates) {
  PiiMasker& m = Default();
  EXPECT_EQ(m.Mask("客户：王小明反映"), "客户：王**反映");
  EXPECT_EQ(m.Mask("姓 名：李娜"), "姓 名：李*");
  EXPECT_EQ(m.Mask("Customer: Mary Jones"), "Customer: M*********");
  EXPECT_EQ(m.Mask("已联系王先生"), "已联系王**");
  EXPECT_EQ(m.Mask("Mr. Smith called"), "Mr. S**** called");
  EXPECT_EQ(m.Mask("海淀区中关村大街27号3栋501室"), "海淀区**村*街**号*栋***室");
  EXPECT_EQ(m.Mask("No. 12 Xinhua Road"), "No. ** ****** Road");
  EXPECT_EQ(m.Mask("车牌京A12345"), "车牌京A*****");
  EXPECT_EQ(m.Mask("粤B·D12345"), "粤B·******");
}

TEST(PiiMask, NearMissesStay) {
  PiiMasker& m = Default();
  for (const char* s : {"COMP-AC1 PCB-WM1 12345-678-90", "AC00001898 SN-2023-000123 E4 F21 AL-1203",
                        "2024-03-01 10:00 20240301", "¥1,280.00 307.50", "220V 3.5kW 1500rpm 24℃",
                        "AC-350 KFR-35GW T00000392", "订单号 6222021234567890123", "用户反馈不制冷",
                        "客户要求上门", "安装师傅已到", "客户安装的空调", "用户方面没有问题"}) {
    EXPECT_EQ(m.Mask(s), s);
  }
}

}  // namespace faultgraph::ingest
