#include "connectors/mapping.h"

#include <gtest/gtest.h>

namespace faultgraph::connectors {

constexpr const char* kGood = R"(
[source]
name = "crm"
record = "case"
encoding = "GBK"
batch_size = 50

[key]
columns = ["ticket"]

[version]
column = "updated"
format = "%Y-%m-%d %H:%M"

[fields]
case_id = "ticket"
opened = { column = "opened_at", format = "%Y/%m/%d" }
channel = { const = "phone" }
fault_codes = { column = "codes", split = "/" }
notes = { columns = ["n1", "n2"], join = " | " }
)";

TEST(Mapping, ParsesEveryForm) {
  auto m = ParseMapping(kGood, "crm.toml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->source, "crm");
  EXPECT_EQ(m->encoding, "gb18030");
  EXPECT_EQ(m->batch_size, 50u);
  EXPECT_EQ(m->key_columns, (std::vector<std::string>{"ticket"}));
  EXPECT_EQ(m->version_format, "%Y-%m-%d %H:%M");
  ASSERT_EQ(m->fields.size(), 5u);
  auto field = [&](const std::string& name) {
    for (const auto& f : m->fields) {
      if (f.field == name) return f;
    }
    ADD_FAILURE() << "no field " << name;
    return FieldMapping{};
  };
  EXPECT_EQ(field("case_id").columns, (std::vector<std::string>{"ticket"}));
  EXPECT_EQ(field("opened").time_format, "%Y/%m/%d");
  EXPECT_EQ(field("channel").constant, "phone");
  EXPECT_EQ(field("fault_codes").split, "/");
  EXPECT_EQ(field("notes").columns, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(field("notes").join, " | ");
}

void ExpectError(const std::string& toml, const std::string& expected) {
  auto m = ParseMapping(toml, "m.toml");
  ASSERT_FALSE(m.ok()) << "accepted: " << toml;
  EXPECT_NE(m.status().message().find(expected), std::string::npos) << m.status().message();
}

TEST(Mapping, NamesFileLineAndKeyOfEachError) {
  ExpectError("[source\nname=1", "m.toml:1:");
  ExpectError("[source]\nname = \"x\"\nrecord = \"ticket\"\n[fields]\n",
              "m.toml:3: 'source.record' is 'ticket'");
  ExpectError("[source]\nname = \"x\"\nrecord = \"case\"\ncolour = 1\n[fields]\n",
              "m.toml:4: unknown key 'colour' in [source]");
  ExpectError(
      "[source]\nname = \"x\"\nrecord = \"case\"\n[fields]\ncase_id = \"t\"\nopened = "
      "\"o\"\nsymptom = \"s\"\n",
      "m.toml:7: unknown field 'symptom' for record 'case'");
  ExpectError("[source]\nname = \"x\"\nrecord = \"case\"\n[fields]\ncase_id = \"t\"\n",
              "required field 'opened' of record 'case' is not mapped");
  ExpectError("[source]\nname = \"x\"\nrecord = \"case\"\nbatch_size = 0\n[fields]\n",
              "m.toml:4: 'source.batch_size' must be an integer");
  ExpectError(
      "[source]\nname = \"x\"\nrecord = \"case\"\n[fields]\ncase_id = { const = \"a\", column = "
      "\"b\" }\n",
      "exactly one of");
  ExpectError("[source]\nrecord = \"case\"\n[fields]\n", "needs a non-empty 'name'");
}

TEST(Mapping, OutcomesFromAFieldServiceExport) {
  auto m = ParseMapping(R"(
[source]
name = "field_app"
record = "outcome"
[key]
columns = ["job"]
[fields]
case_ref = "ticket"
component = "part"
fix = "action"
worked = "fixed"
note = "remarks"
time = "done_at"
by = "technician"
)",
                        "field.toml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->record, ingest::RecordType::kOutcome);
  ExpectError(
      "[source]\nname = \"x\"\nrecord = \"outcome\"\n[fields]\ncase_ref = \"t\"\n"
      "time = \"d\"\n",
      "required field 'worked' of record 'outcome' is not mapped");
  ExpectError("[source]\nname = \"x\"\nrecord = \"outcomes\"\n[fields]\n",
              "expected product, bom_line, component, asset, case, contact, sensor_event, fix or "
              "outcome");
}

TEST(Mapping, LimitsHaveDefaultsAndBounds) {
  auto plain = ParseMapping(kGood, "m.toml");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->limits.max_key_bytes, 200u);
  EXPECT_EQ(plain->limits.max_field_bytes, 1u << 20);
  EXPECT_EQ(plain->limits.max_row_bytes, 4u << 20);
  EXPECT_EQ(plain->limits.max_depth, 64u);
  auto m = ParseMapping(std::string(kGood) +
                            "[limits]\nmax_key_bytes = 64\nmax_field_bytes = 1000\n"
                            "max_row_bytes = 5000\nmax_depth = 8\n",
                        "m.toml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->limits.max_key_bytes, 64u);
  EXPECT_EQ(m->limits.max_field_bytes, 1000u);
  EXPECT_EQ(m->limits.max_row_bytes, 5000u);
  EXPECT_EQ(m->limits.max_depth, 8u);
  // Keys stay below Xapian's 245-byte term limit with the id's prefix.
  ExpectError(std::string(kGood) + "[limits]\nmax_key_bytes = 300\n",
              "'limits.max_key_bytes' must be an integer from 1 to 230");
  ExpectError(std::string(kGood) + "[limits]\nmax_row_bytes = 10\nmax_field_bytes = 11\n",
              "'limits.max_field_bytes' must be an integer from 1 to 10");
  ExpectError(std::string(kGood) + "[limits]\nrows = 1\n", "unknown key 'rows' in [limits]");
}

}  // namespace faultgraph::connectors
