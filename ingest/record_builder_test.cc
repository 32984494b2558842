#include "ingest/record_builder.h"

#include <gtest/gtest.h>

namespace faultgraph::ingest {

RawRecord CaseRow() {
  RawRecord r;
  r.type = RecordType::kCase;
  r.source = "crm";
  r.source_id = "T-1";
  r.source_version = "1";
  r.fields["case_id"].text = "T-1";
  r.fields["product"].text = "AC-200";
  r.fields["opened"].text = "2024-03-01 10:00";
  r.fields["fault_codes"].text = "E4;E5";
  r.fields["labour_minutes"].text = "45.0";
  return r;
}

TEST(RecordBuilder, BuildsTypedCase) {
  auto rec = BuildRecord(CaseRow());
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  const auto& c = std::get<Case>(rec->body);
  EXPECT_EQ(c.case_id, "T-1");
  EXPECT_EQ(c.fault_codes, (std::vector<std::string>{"E4", "E5"}));
  EXPECT_EQ(c.labour_minutes, 45);
  EXPECT_EQ(c.satisfaction, -1);
  EXPECT_EQ(rec->type(), RecordType::kCase);
}

TEST(RecordBuilder, NamesTheBadField) {
  RawRecord r = CaseRow();
  r.fields["opened"].text = "yesterday";
  auto rec = BuildRecord(r);
  ASSERT_FALSE(rec.ok());
  EXPECT_NE(rec.status().message().find("field 'opened': 'yesterday' is not a date"),
            std::string::npos)
      << rec.status().message();

  r = CaseRow();
  r.fields["cost"].text = "12,5 EUR";
  EXPECT_NE(BuildRecord(r).status().message().find("field 'cost'"), std::string::npos);

  r = CaseRow();
  r.fields.erase("opened");
  EXPECT_EQ(BuildRecord(r).status().message(), "required field 'opened' is empty");

  r = CaseRow();
  r.fields["notes"].text = "bad \xFF byte";
  EXPECT_NE(BuildRecord(r).status().message().find("'notes' is not valid UTF-8"),
            std::string::npos);

  r = CaseRow();
  r.fields["colour"].text = "red";
  EXPECT_EQ(BuildRecord(r).status().message(), "unknown field 'colour' for a case record");
}

TEST(RecordBuilder, CrossFieldRules) {
  RawRecord r = CaseRow();
  r.fields["product"].text = "";
  EXPECT_NE(BuildRecord(r).status().message().find("'asset_serial' or 'product'"),
            std::string::npos);
  r = CaseRow();
  r.fields["closed"].text = "2024-02-01";
  EXPECT_EQ(BuildRecord(r).status().message(), "field 'closed' is before 'opened'");
  r = CaseRow();
  r.source_id = "  ";
  EXPECT_FALSE(BuildRecord(r).ok());
}

TEST(RecordBuilder, ProductAttributes) {
  RawRecord r;
  r.type = RecordType::kProduct;
  r.source_id = "AC-200";
  r.fields["model"].text = "AC-200";
  r.fields["attrs.refrigerant"].text = "R32";
  auto rec = BuildRecord(r);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(std::get<Product>(rec->body).attrs.at("refrigerant"), "R32");
}

}  // namespace faultgraph::ingest
