// One password for both paths of an etl, sicoop's own connection and Spark's JDBC reads, wherever
// the user keeps it: a real `sicoop etl` against the harness PostgreSQL as a role of the test's own
// whose password is only in libpq's places (a password file named by PGPASSFILE, PGPASSWORD) writes
// the same file as with --db-password-file. MySQL/MariaDB's places (MYSQL_PWD, ~/.my.cnf) are
// refused with a message that says so; a missing password's hint names every way to give one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "db/db_url.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr const char* kPassword = "Cred-7q2w-UNIQUE";
constexpr int kSeededMovimentos = 120;

using Env = std::vector<std::pair<std::string, std::string>>;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-credentials");
    reader_ = "cred_reader_" + std::to_string(getpid());
    // A home without ~/.pgpass or ~/.my.cnf, for the runs that must find no password.
    fs::create_directories(root_ / "home");
  }

  void TearDown() override {
    if (fresh_.connection && fresh_.connection->dialect() == db::Dialect::kPostgres) {
      EXPECT_TRUE(fresh_.connection->Execute("DROP OWNED BY " + reader_).ok());
      EXPECT_TRUE(fresh_.connection->Execute("DROP ROLE " + reader_).ok());
    }
    if (fresh_.connection && fresh_.connection->dialect() == db::Dialect::kMysql) {
      EXPECT_TRUE(fresh_.connection->Execute("DROP USER '" + reader_ + "'@'127.0.0.1'").ok());
    }
    fs::remove_all(root_);
  }

  // A seeded database of this test's own, readable by reader_ (password kPassword); sets url_ to
  // reader_'s URL without a password and endpoint_ to the server's "127.0.0.1:port".
  void MakeSeededDatabaseForTheReader(const std::string& dialect) {
    fresh_ = MakeSeededDatabase(dialect, kSeededMovimentos);
    ASSERT_TRUE(fresh_.connection);
    auto url = db::ParseDbUrl(fresh_.url);
    ASSERT_TRUE(url.ok());
    database_ = url->database;
    endpoint_ = url->Endpoint();
    const std::string password = std::string("'") + kPassword + "'";
    if (dialect == "postgres") {
      (void)fresh_.connection->Execute("DROP ROLE IF EXISTS " + reader_);
      ASSERT_TRUE(fresh_.connection->Execute("CREATE ROLE " + reader_ + " LOGIN PASSWORD " + password).ok());
      ASSERT_TRUE(fresh_.connection->Execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + reader_).ok());
    } else {
      const std::string user = "'" + reader_ + "'@'127.0.0.1'";
      (void)fresh_.connection->Execute("DROP USER IF EXISTS " + user);
      ASSERT_TRUE(fresh_.connection->Execute("CREATE USER " + user + " IDENTIFIED BY " + password).ok());
      ASSERT_TRUE(fresh_.connection->Execute("GRANT SELECT ON " + database_ + ".* TO " + user).ok());
    }
    url_ = std::string(dialect == "postgres" ? "postgresql://" : "mysql://") + reader_ + "@" + endpoint_ + "/" +
           database_;
  }

  // `sicoop etl` of url_ into root_/name, with `args` and `env` added; the run's output.
  RunResult Etl(const std::string& name, const std::vector<std::string>& args, const Env& env) {
    std::vector<std::string> full = {"etl", "--db", url_, "--spark", SparkUrl(), "--output", (root_ / name).string()};
    full.insert(full.end(), args.begin(), args.end());
    return RunSicoop(full, env);
  }

  std::string Csv(const std::string& name) { return ReadWholeFile(root_ / name / "movimento_flat.csv"); }

  fs::path root_;
  std::string reader_, url_, database_, endpoint_;
  FreshDatabase fresh_;
};

TEST_F(CredentialsTest, LibpqsPasswordSourcesReachSparksJdbcReads) {
  MakeSeededDatabaseForTheReader("postgres");
  const fs::path password_file = root_ / "db-password";
  std::ofstream(password_file) << kPassword << "\n";
  // libpq ignores a password file that others may read.
  const fs::path pgpass = root_ / "pgpass";
  std::ofstream(pgpass) << "127.0.0.1:" << endpoint_.substr(endpoint_.rfind(':') + 1) << ":" << database_ << ":"
                        << reader_ << ":" << kPassword << "\n";
  fs::permissions(pgpass, fs::perms::owner_read | fs::perms::owner_write);

  RunResult reference = Etl("reference", {"--db-password-file", password_file.string()}, {});
  ASSERT_EQ(reference.exit_code, 0) << reference.output;
  const std::string expected = Csv("reference");
  ASSERT_EQ(std::count(expected.begin(), expected.end(), '\n'), kSeededMovimentos + 1) << expected.substr(0, 500);

  for (const auto& [name, env] : std::vector<std::pair<std::string, Env>>{
           {"pgpassfile", {{"PGPASSFILE", pgpass.string()}}}, {"pgpassword", {{"PGPASSWORD", kPassword}}}}) {
    RunResult run = Etl(name, {}, env);
    EXPECT_EQ(run.exit_code, 0) << name << ": " << run.output;
    EXPECT_EQ(run.output.find("empty string"), std::string::npos) << name << ": " << run.output;
    EXPECT_EQ(run.output.find(kPassword), std::string::npos) << name << ": " << run.output;
    EXPECT_EQ(Csv(name), expected) << name;
  }
}

TEST_F(CredentialsTest, NoPasswordAnywhereNamesEveryPlaceForOne) {
  MakeSeededDatabaseForTheReader("postgres");
  // No ~/.pgpass in this home, and no password variable: the server asks and libpq has nothing.
  RunResult run = Etl("out", {}, {{"HOME", (root_ / "home").string()}});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("no password supplied"), std::string::npos) << run.output;
  for (const char* place : {"--db-password-file", "SICOOP_DB_PASSWORD_FILE", "SICOOP_DB_PASSWORD,", "PGPASSWORD",
                            "~/.pgpass", "PGPASSFILE", "--db URL"}) {
    EXPECT_NE(run.output.find(place), std::string::npos) << place << " not named in: " << run.output;
  }
}

TEST_F(CredentialsTest, MysqlsOwnPasswordPlacesAreRefusedWithAReason) {
  MakeSeededDatabaseForTheReader("mysql");
  // Both hold the right password: a client that read them would connect.
  const fs::path home = root_ / "home";
  std::ofstream(home / ".my.cnf") << "[client]\npassword=" << kPassword << "\n";
  fs::permissions(home / ".my.cnf", fs::perms::owner_read | fs::perms::owner_write);
  RunResult run = Etl("out", {}, {{"HOME", home.string()}, {"MYSQL_PWD", kPassword}});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("using password: NO"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("sicoop reads neither MYSQL_PWD nor option files such as ~/.my.cnf"), std::string::npos)
      << run.output;
  for (const char* place : {"--db-password-file", "SICOOP_DB_PASSWORD_FILE", "SICOOP_DB_PASSWORD "}) {
    EXPECT_NE(run.output.find(place), std::string::npos) << place << " not named in: " << run.output;
  }
  EXPECT_FALSE(fs::exists(root_ / "out" / "movimento_flat.csv"));
}

// The hint to create the schema is pasted as it is: it holds no "***" that would become the password.
TEST_F(CredentialsTest, TheHintToInitTheSchemaHoldsNoStandInForThePassword) {
  MakeSeededDatabaseForTheReader("postgres");
  // The server's own "postgres" database has no sicoop schema; any role may connect to it.
  url_ = "postgresql://" + reader_ + "@" + endpoint_ + "/postgres";
  // The password libpq found itself, and one of sicoop's own.
  for (const Env& env : {Env{{"PGPASSWORD", kPassword}}, Env{{"SICOOP_DB_PASSWORD", kPassword}}}) {
    RunResult run = Etl("out", {}, env);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("run 'sicoop db init --db " + url_ + "' first, with the password given as for this run"),
              std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find("***"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find(kPassword), std::string::npos) << run.output;
  }
}

}  // namespace
}  // namespace sicoop::testing
