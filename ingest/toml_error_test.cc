#include "ingest/toml_error.h"

#include <gtest/gtest.h>

#include "ingest/toml_parse.h"

namespace faultgraph::ingest {
namespace {

// The message a broken file gets, through the real parser.
std::string ErrorOf(const std::string& text) {
  auto r = ParseToml(text, "c.toml");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(TomlError, PlainWordsWithLineAndColumn) {
  EXPECT_EQ(ErrorOf("[[connector]]\nname = \"crm\ntype = \"folder\"\n"),
            "c.toml:2:12: a string is not closed on its line: a closing '\"' is missing");
  const std::string twice = ErrorOf("[source]\nname = \"a\"\n[source]\n");
  EXPECT_TRUE(twice.starts_with("c.toml:3:")) << twice;
  EXPECT_NE(twice.find("this [table] is defined twice"), std::string::npos) << twice;
  const std::string key_twice = ErrorOf("name = \"a\"\nname = \"b\"\n");
  EXPECT_NE(key_twice.find("this key is set twice"), std::string::npos) << key_twice;
  const std::string no_equals = ErrorOf("name \"a\"\n");
  EXPECT_NE(no_equals.find("must be followed by '='"), std::string::npos) << no_equals;
  const std::string unquoted = ErrorOf("name = crm\n");
  EXPECT_NE(unquoted.find("text needs quotes"), std::string::npos) << unquoted;
  const std::string list = ErrorOf("columns = [\"a\" \"b\"]\n");
  EXPECT_NE(list.find("a list needs commas"), std::string::npos) << list;
  const std::string escape = ErrorOf("pattern = \"\\d+\"\n");
  EXPECT_NE(escape.find("'single quotes' for patterns"), std::string::npos) << escape;
  // Nothing of the parser's own wording leaks for these.
  for (const auto& m : {twice, no_equals, unquoted, list})
    EXPECT_EQ(m.find("Error while parsing"), std::string::npos) << m;
}

TEST(TomlError, AnUnknownDescriptionKeepsItsWordsWithoutThePrefix) {
  EXPECT_EQ(PlainTomlError("Error while parsing floating-point: something new"),
            "in a number: something new");
  EXPECT_EQ(PlainTomlError("something else"), "something else");
}

}  // namespace
}  // namespace faultgraph::ingest
