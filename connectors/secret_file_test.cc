#include "connectors/secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/redact.h"
#include "connectors/test_util.h"

namespace faultgraph::connectors {
namespace {

class SecretFileTest : public ::testing::Test {
 protected:
  std::string Secret(const std::string& name, const std::string& value, mode_t mode) {
    std::string path = dir_.Write(name, value);
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::string Config(const std::string& body) {
    dir_.Write("m.toml",
               "[source]\nname = \"crm\"\nrecord = \"case\"\n[key]\ncolumns = [\"id\"]\n"
               "[fields]\ncase_id = \"id\"\nopened = \"opened\"\n");
    return dir_.Write("c.toml", body);
  }
  TempDir dir_;
};

TEST_F(SecretFileTest, OwnerOnlyFileIsReadTrimmedAndRegistered) {
  std::string path = Secret("crm.token", "  tok-owner-only-1\n", 0600);
  auto token = ReadSecretFile(path, "token_file of connector 'api'");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(*token, "tok-owner-only-1");
  EXPECT_EQ(Redact("echo: tok-owner-only-1"), "echo: ***");
}

TEST_F(SecretFileTest, RefusesFilesOpenToOthersAndMissingFilesByName) {
  std::string open = Secret("open.token", "tok-open-2", 0644);
  auto r = ReadSecretFile(open, "token_file of connector 'api'");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "token_file of connector 'api' " + open +
                                      " is open to group or others (mode 0644): " + "chmod 600 " +
                                      open);
  Status group = CheckSecretFile(Secret("g.pw", "pw-group-3", 0640), "password_file");
  EXPECT_NE(group.message().find("(mode 0640)"), std::string::npos) << group.ToString();
  Status device = CheckSecretFile("/dev/zero", "token_file");
  EXPECT_NE(device.message().find("/dev/zero is not a file"), std::string::npos)
      << device.ToString();
  Status big = CheckSecretFile(Secret("big.pw", std::string(70'000, 'x'), 0600), "password_file");
  EXPECT_NE(big.message().find("holds 70000 bytes"), std::string::npos) << big.ToString();
  Status missing = CheckSecretFile(dir_ / "absent.pw", "password_file of connector 'pg'");
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_EQ(missing.message(),
            "password_file of connector 'pg' " + (dir_ / "absent.pw") + " does not exist");
}

TEST_F(SecretFileTest, LoadingRegistersTheConfigsSecrets) {
  Secret("mq.pw", "mqtt-pass-4", 0600);
  auto f = LoadConnectors(
      Config("[[connector]]\nname = \"api\"\ntype = \"http\"\nmapping = \"m.toml\"\n"
             "[connector.http]\nurl = \"https://u:url-pass-5@h/t?api_key=url-key-6\"\n"
             "modified_field = \"m\"\nkey_field = \"id\"\n"
             "[[connector]]\nname = \"mq\"\ntype = \"mqtt\"\nmapping = \"m.toml\"\n"
             "[connector.mqtt]\ntopics = [\"a\"]\nclient_id = \"c\"\npassword_file = \"mq.pw\"\n"));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(Redact("url-pass-5 url-key-6 mqtt-pass-4"), "*** *** ***");
}

// --check-config: every problem in one report, each naming file, line and
// key; a connector's secret files checked when its settings are right.
TEST_F(SecretFileTest, CheckNamesADropFolderThatIsNotThere) {
  std::string config = Config(
      "[[connector]]\nname = \"calls\"\ntype = \"folder\"\nmapping = \"m.toml\"\n"  // 1-4
      "[connector.folder]\npath = \"no-such-dir\"\npattern = \"*.csv\"\n");         // 5-7
  auto f = LoadConnectors(config, {.check_secret_files = true});
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find(config + ":6: folder of connector 'calls' " +
                                      (dir_ / "no-such-dir") + " does not exist"),
            std::string::npos)
      << f.status().message();
  EXPECT_TRUE(LoadConnectors(config).ok());  // a daemon starting: the runs will say so
  std::filesystem::create_directories(dir_ / "no-such-dir");
  EXPECT_TRUE(LoadConnectors(config, {.check_secret_files = true}).ok());
}

TEST_F(SecretFileTest, CheckReportsEveryProblem) {
  Secret("open.token", "tok-7", 0644);
  Secret("good.pw", "good-pw-8", 0600);
  std::string config = Config(
      "[[connector]]\nname = \"api\"\ntype = \"http\"\nmapping = \"m.toml\"\n"         // 1-4
      "[connector.http]\nurl = \"https://h/t\"\ntoken_file = \"open.token\"\n"         // 5-7
      "modified_field = \"m\"\nkey_field = \"id\"\n"                                   // 8-9
      "[[connector]]\nname = \"pg\"\ntype = \"postgres\"\nmapping = \"m.toml\"\n"      // 10-13
      "[connector.postgres]\nconninfo = \"host=db\"\npassword_file = \"absent.pw\"\n"  // 14-16
      "table = \"t\"\nkey_column = \"id\"\n"                                           // 17-18
      "[[connector]]\nname = \"bad\"\ntype = \"kafka\"\nmapping = \"m.toml\"\n"        // 19-22
      "[[connector]]\nname = \"mq\"\ntype = \"mqtt\"\nmapping = \"m.toml\"\n"          // 23-26
      "[connector.mqtt]\ntopics = [\"a\"]\nclient_id = \"c\"\npassword_file = \"good.pw\"\n");
  auto f = LoadConnectors(config, {.check_secret_files = true});
  ASSERT_FALSE(f.ok());
  const std::string& m = f.status().message();
  EXPECT_NE(m.find(config + ": 3 problems:\n"), std::string::npos) << m;
  EXPECT_NE(m.find(config + ":7: token_file of connector 'api' " + (dir_ / "open.token") +
                   " is open to group or others (mode 0644)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(config + ":16: password_file of connector 'pg' " + (dir_ / "absent.pw") +
                   " does not exist"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(config + ":21: 'type' of connector 'bad'"), std::string::npos) << m;
  // Without the check (a daemon starting, `connectors status`) the files
  // are the runs' business: only the kafka connector is wrong.
  auto loaded = LoadConnectors(config);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message().find("problems"), std::string::npos);
}

}  // namespace
}  // namespace faultgraph::connectors
