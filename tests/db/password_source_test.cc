// Where a database password comes from (the URL, --db-password-file, SICOOP_DB_PASSWORD_FILE,
// SICOOP_DB_PASSWORD, in that order), how a password file is read, and where a URL's password lies
// in an argument (what main overwrites so that process listings do not show it).
#include "db/password_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace sicoop::db {
namespace {
namespace fs = std::filesystem;

class PasswordFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("sicoop-password-" + std::to_string(getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::string File(const std::string& name, const std::string& content) {
    const fs::path path = folder_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  fs::path folder_;
};

TEST(UrlPasswordSpanTest, FindsThePercentEncodedPasswordAsTheParserDoes) {
  const std::string url = "postgresql://etl:p%40ss%3Aw0rd@db:5432/coop";
  auto span = UrlPasswordSpan(url);
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(url.substr(span->offset, span->length), "p%40ss%3Aw0rd");
  // An unencoded '@' in the password: the user info ends at the last '@', as ParseDbUrl has it.
  const std::string raw = "mysql://etl:a@b:c@db/coop";
  span = UrlPasswordSpan(raw);
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(raw.substr(span->offset, span->length), "a@b:c");
  EXPECT_EQ(ParseDbUrl(raw)->password, "a@b:c");
  span = UrlPasswordSpan("mariadb://u:x@h/d");
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->offset, 12u);
  EXPECT_EQ(span->length, 1u);
}

TEST(UrlPasswordSpanTest, NoneWithoutAPasswordOrADatabaseUrl) {
  EXPECT_FALSE(UrlPasswordSpan("postgresql://etl@db/coop"));
  EXPECT_FALSE(UrlPasswordSpan("postgresql://etl:@db/coop"));  // empty: nothing to hide
  EXPECT_FALSE(UrlPasswordSpan("sc://u:p@host:15002"));
  EXPECT_FALSE(UrlPasswordSpan("--db"));
  EXPECT_FALSE(UrlPasswordSpan("/tmp/out:x@y"));
}

TEST_F(PasswordFileTest, TrailingLineEndsAreNotPartOfThePassword) {
  EXPECT_EQ(ReadPasswordFile(File("lf", "s3cret\n")).value(), "s3cret");
  EXPECT_EQ(ReadPasswordFile(File("crlf", "s3cret\r\n")).value(), "s3cret");
  EXPECT_EQ(ReadPasswordFile(File("bare", "s3cret")).value(), "s3cret");
  EXPECT_EQ(ReadPasswordFile(File("inner", " a b\tc \n\n")).value(), " a b\tc ");
}

TEST_F(PasswordFileTest, UnreadableOrEmptyFilesFailNamingThePathNotTheContent) {
  const std::string missing = (folder_ / "missing").string();
  auto result = ReadPasswordFile(missing);
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.status().is_usage());
  EXPECT_NE(result.status().message().find(missing), std::string::npos) << result.status().message();
  EXPECT_NE(result.status().message().find("No such file"), std::string::npos) << result.status().message();

  result = ReadPasswordFile(folder_.string());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("Is a directory"), std::string::npos) << result.status().message();

  result = ReadPasswordFile(File("empty", "\n"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("is empty"), std::string::npos) << result.status().message();

  if (geteuid() != 0) {  // root reads any file
    const std::string closed = File("closed", "Secr3t-in-a-file\n");
    chmod(closed.c_str(), 0);
    result = ReadPasswordFile(closed);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find("Permission denied"), std::string::npos);
    EXPECT_EQ(result.status().message().find("Secr3t-in-a-file"), std::string::npos);
  }
}

TEST_F(PasswordFileTest, TheUrlThenTheOptionFileThenTheVariableFileThenTheVariable) {
  const std::string option_file = File("option", "from-option\n");
  const std::string variable_file = File("variable", "from-variable-file\n");
  const std::string url = "postgresql://etl@db/coop";

  EXPECT_EQ(ParseDbUrl("postgresql://etl:from-url@db/coop", {option_file, variable_file, "value"})->password,
            "from-url");
  EXPECT_EQ(ParseDbUrl(url, {option_file, variable_file, "value"})->password, "from-option");
  EXPECT_EQ(ParseDbUrl(url, {"", variable_file, "value"})->password, "from-variable-file");
  EXPECT_EQ(ParseDbUrl(url, {"", "", "value"})->password, "value");
  EXPECT_EQ(ParseDbUrl(url, PasswordSources{})->password, "");
}

TEST_F(PasswordFileTest, AFileIsReadOnlyWhenUsedAndAfterTheUrlIsFoundGood) {
  const std::string missing = (folder_ / "missing").string();
  // The URL has its own password: the missing file is not needed, so not an error.
  EXPECT_TRUE(ParseDbUrl("postgresql://etl:pw@db/coop", {missing, "", ""}).ok());
  // A malformed URL stays a usage error, whatever the file.
  auto malformed = ParseDbUrl("postgresql//etl@db/coop", {missing, "", ""});
  ASSERT_FALSE(malformed.ok());
  EXPECT_TRUE(malformed.status().is_usage()) << malformed.status().message();
  auto unreadable = ParseDbUrl("postgresql://etl@db/coop", {missing, "", ""});
  ASSERT_FALSE(unreadable.ok());
  EXPECT_NE(unreadable.status().message().find(missing), std::string::npos);
}

}  // namespace
}  // namespace sicoop::db
