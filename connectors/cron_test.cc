#include "connectors/cron.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/test_dir.h"
#include "connectors/connector_config.h"
#include "ingest/time_parse.h"

namespace faultgraph::connectors {
namespace {

int64_t At(const std::string& text) { return *ingest::ParseTime(text, "%Y-%m-%d %H:%M"); }

int64_t Next(const std::string& cron, const std::string& after) {
  auto c = CronSchedule::Parse(cron);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c->NextAfter(At(after));
}

TEST(Cron, NextRunTimes) {
  EXPECT_EQ(Next("*/15 * * * *", "2026-11-23 10:07"), At("2026-11-23 10:15"));
  EXPECT_EQ(Next("*/15 * * * *", "2026-11-23 10:15"), At("2026-11-23 10:30"));  // strictly after
  EXPECT_EQ(Next("0 3 1 1 *", "2026-11-23 10:07"), At("2027-01-01 03:00"));
  // Friday 2026-11-27 10:00 -> Monday 09:30.
  EXPECT_EQ(Next("30 9 * * 1-5", "2026-11-27 10:00"), At("2026-11-30 09:30"));
  EXPECT_EQ(Next("0 0 29 2 *", "2026-03-01 00:00"), At("2028-02-29 00:00"));
  EXPECT_EQ(Next("0 12 * * 7", "2026-11-23 10:00"), At("2026-11-29 12:00"));  // 7 = Sunday
  // Both day fields restricted: either matches (the 1st, or a Monday).
  EXPECT_EQ(Next("0 0 1 * 1", "2026-11-24 00:00"), At("2026-11-30 00:00"));
  EXPECT_EQ(Next("5,35 22-23 * 12 *", "2026-11-23 10:00"), At("2026-12-01 22:05"));
}

TEST(Cron, BadSchedulesNameTheField) {
  for (auto [text, field] :
       std::vector<std::pair<std::string, std::string>>{{"* * * *", "5 fields"},
                                                        {"60 * * * *", "minute field '60'"},
                                                        {"0 24 * * *", "hour field '24'"},
                                                        {"0 0 0 * *", "day-of-month field '0'"},
                                                        {"0 0 * 13 *", "month field '13'"},
                                                        {"*/0 * * * *", "step"},
                                                        {"a * * * *", "'a' is not a number"},
                                                        {"5-1 * * * *", "minute field '5-1'"}}) {
    auto c = CronSchedule::Parse(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.status().message().find(field), std::string::npos)
        << text << ": " << c.status().message();
  }
}

class ConnectorConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& body) {
    std::string mapping = dir_.Path("m.toml");
    std::ofstream(mapping) << "[source]\nname = \"crm\"\nrecord = \"case\"\n[key]\ncolumns = "
                              "[\"id\"]\n[fields]\ncase_id = \"id\"\nopened = \"opened\"\n";
    std::string path = dir_.Path("c.toml");
    std::ofstream(path) << body;
    return path;
  }
  TestDir dir_;
};

TEST_F(ConnectorConfigTest, LoadsAPostgresConnectorAndResolvesPaths) {
  auto f = LoadConnectors(
      Write("[[connector]]\nname = \"crm_pg\"\ntype = \"postgres\"\nmapping = \"m.toml\"\n"
            "schedule = \"*/5 * * * *\"\n[connector.postgres]\nconninfo = \"host=db\"\n"
            "password_file = \"pw\"\ntable = \"tickets\"\nkey_column = \"id\"\n"));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const ConnectorConfig* c = f->Find("crm_pg");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->mapping.source, "crm");
  EXPECT_EQ(c->postgres.password_file, dir_.Path("pw"));
  EXPECT_EQ(c->postgres.cursor_column, "updated_at");
  EXPECT_EQ(c->postgres.page_size, 5000);
  ASSERT_TRUE(c->schedule.has_value());
}

TEST_F(ConnectorConfigTest, MistakesNameFileLineAndKey) {
  const std::string head =
      "[[connector]]\nname = \"crm_pg\"\ntype = \"postgres\"\nmapping = "
      "\"m.toml\"\n[connector.postgres]\n";
  struct Case {
    std::string body, expect;
  };
  for (const auto& [body, expect] : std::vector<Case>{
           {head + "conninfo = \"host=db password=secret\"\ntable = \"t\"\nkey_column = \"id\"\n",
            "c.toml:6: 'conninfo' in connector 'crm_pg' [postgres] holds a password"},
           {head + "conninfo = \"host=db\"\ntable = \"t\"\nkey_column = \"id\"\npage = 5\n",
            "c.toml:9: unknown key 'page'"},
           {head + "conninfo = \"host=db\"\nkey_column = \"id\"\n",
            "needs exactly one of 'table' and 'query'"},
           {head + "conninfo = \"host=db\"\ntable = \"t\"\nkey_column = \"id\"\npage_size = 0\n",
            "c.toml:9: 'page_size'"},
           {"[[connector]]\nname = \"x y\"\n", "c.toml:2: connector name 'x y'"},
           {"[[connector]]\nname = \"a\"\ntype = \"kafka\"\nmapping = \"m.toml\"\n",
            "c.toml:3: 'type' of connector 'a' must be postgres, http, mqtt or folder"},
           {"[[connector]]\nname = \"a\"\ntype = \"folder\"\nmapping = \"nope.toml\"\n",
            "c.toml:4: mapping of connector 'a'"},
       }) {
    auto f = LoadConnectors(Write(body));
    ASSERT_FALSE(f.ok()) << body;
    EXPECT_NE(f.status().message().find(expect), std::string::npos)
        << "got: " << f.status().message();
  }
}

}  // namespace
}  // namespace faultgraph::connectors
