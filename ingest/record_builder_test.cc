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

RawRecord OutcomeRow() {
  RawRecord r;
  r.type = RecordType::kOutcome;
  r.source = "field_app";
  r.source_id = "JOB-7";
  r.source_version = "1";
  r.fields["case_ref"].text = "T-1";
  r.fields["component"].text = "comp-1";
  r.fields["fix"].text = "fx-a";
  r.fields["worked"].text = "否";
  r.fields["time"].text = "2024-03-02 09:00";
  r.fields["by"].text = "tech-9";
  return r;
}

TEST(RecordBuilder, BuildsOutcomeWithTheRowKeyAsItsId) {
  auto rec = BuildRecord(OutcomeRow());
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_EQ(rec->type(), RecordType::kOutcome);
  const auto& o = std::get<Outcome>(rec->body);
  EXPECT_EQ(o.outcome_id, "JOB-7");
  EXPECT_EQ(o.case_ref, "T-1");
  EXPECT_EQ(o.component, "comp-1");  // upper-cased by normalisation, not here
  EXPECT_FALSE(o.worked);
  EXPECT_FALSE(o.retracted);
  EXPECT_EQ(o.by, "tech-9");
  EXPECT_GT(o.time_ms, 0);

  RawRecord r = OutcomeRow();
  r.fields["outcome_id"].text = "O-1";
  r.fields["worked"].text = "Yes";
  r.fields["retracted"].text = "1";
  rec = BuildRecord(r);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ(std::get<Outcome>(rec->body).outcome_id, "O-1");
  EXPECT_TRUE(std::get<Outcome>(rec->body).worked);
  EXPECT_TRUE(std::get<Outcome>(rec->body).retracted);
}

TEST(RecordBuilder, OutcomeNeedsCaseTimeAndAYesOrNo) {
  RawRecord r = OutcomeRow();
  r.fields["worked"].text = "maybe";
  EXPECT_NE(BuildRecord(r).status().message().find("field 'worked': 'maybe' is not yes or no"),
            std::string::npos)
      << BuildRecord(r).status().message();
  r = OutcomeRow();
  r.fields.erase("worked");
  EXPECT_EQ(BuildRecord(r).status().message(), "required field 'worked' is empty");
  r = OutcomeRow();
  r.fields["case_ref"].text = " ";
  EXPECT_EQ(BuildRecord(r).status().message(), "required field 'case_ref' is empty");
  r = OutcomeRow();
  r.fields.erase("time");
  EXPECT_EQ(BuildRecord(r).status().message(), "required field 'time' is empty");
  EXPECT_EQ(RecordTypeName(RecordType::kOutcome), "outcome");
  RecordType t = RecordType::kProduct;
  ASSERT_TRUE(ParseRecordType("outcome", &t));
  EXPECT_EQ(t, RecordType::kOutcome);
}

}  // namespace faultgraph::ingest
