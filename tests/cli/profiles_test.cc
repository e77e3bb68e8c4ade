// Profiles (cli/profile.h) and `sicoop doctor` as a user meets them: where the settings come from
// (flag > environment > profile), what a config file may not hold, and doctor's verdicts against the
// harness servers and against a closed port, a missing database and a missing Iceberg runtime jar.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "db/password_source.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/ports.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHarnessPassword = "p@ss:w0rd/%";

// `url` without its password ("sicoop:ENC@" becomes "sicoop@"), as a profile must hold it.
std::string WithoutPassword(std::string url) {
  auto password = db::UrlPasswordSpan(url);
  EXPECT_TRUE(password) << url;
  if (password) url.erase(password->offset - 1, password->length + 1);
  return url;
}

fs::path WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  return path;
}

// A URL at which nothing answers: every connection to `port` is refused.
std::string RefusedUrl(int port) { return "postgresql://sicoop@127.0.0.1:" + std::to_string(port) + "/nothing"; }

// An environment that finds no config file of the user running the tests.
std::vector<std::pair<std::string, std::string>> Isolated(const fs::path& folder,
                                                          std::vector<std::pair<std::string, std::string>> env = {}) {
  env.emplace_back("XDG_CONFIG_HOME", (folder / "xdg").string());
  return env;
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ProfilesTest, APasswordInTheConfigFileIsRefused) {
  const fs::path folder = MakeTestFolder("profiles");
  const fs::path config =
      WriteFile(folder / "sicoop.toml", "[profile.default]\n# the team's database\ndb = \"postgresql://etl:Secr3t@h/d\"\n");
  RunResult run = RunSicoop({"db", "init", "--config", config.string()}, Isolated(folder));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(Has(run.output, config.string() + ":3: the db URL of profile 'default' holds a password")) << run.output;
  EXPECT_TRUE(Has(run.output, "SICOOP_DB_PASSWORD_FILE")) << run.output;
  EXPECT_FALSE(Has(run.output, "Secr3t")) << run.output;
}

TEST(ProfilesTest, AnUnknownProfileNamesTheExistingOnes) {
  const fs::path folder = MakeTestFolder("profiles");
  const fs::path config = WriteFile(folder / "c.toml", "[profile.prod]\ndb = \"postgresql://etl@p/d\"\n\n"
                                                       "[profile.dev]\ndb = \"postgresql://etl@d/d\"\n");
  RunResult flag = RunSicoop({"db", "init", "--config", config.string(), "--profile", "staging"}, Isolated(folder));
  EXPECT_EQ(flag.exit_code, 2) << flag.output;
  EXPECT_TRUE(Has(flag.output, "no profile 'staging' in " + config.string() + " (it has: dev, prod)")) << flag.output;
  RunResult env = RunSicoop({"db", "init", "--config", config.string()}, Isolated(folder, {{"SICOOP_PROFILE", "qa"}}));
  EXPECT_EQ(env.exit_code, 2) << env.output;
  EXPECT_TRUE(Has(env.output, "no profile 'qa'")) << env.output;
}

TEST(ProfilesTest, AMalformedConfigFileNamesItsLine) {
  const fs::path folder = MakeTestFolder("profiles");
  const fs::path config = WriteFile(folder / "c.toml", "[profile.default]\nsparky = \"sc://h:1\"\n");
  RunResult run = RunSicoop({"db", "init", "--config", config.string()}, Isolated(folder));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(Has(run.output, config.string() + ":2: unknown key 'sparky'")) << run.output;
}

TEST(ProfilesTest, WithoutAnyDatabaseTheErrorNamesTheThreeWays) {
  const fs::path folder = MakeTestFolder("profiles");
  for (const auto& args : {std::vector<std::string>{"db", "init"}, {"etl", "--output", folder.string()}}) {
    RunResult run = RunSicoop(args, Isolated(folder));
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_TRUE(Has(run.output, "missing --db: give --db, set SICOOP_DB_URL, or set db in a profile")) << run.output;
  }
}

TEST(ProfilesTest, DoctorShowsWhereEachSettingComesFrom) {
  const fs::path folder = MakeTestFolder("profiles");
  HeldPort refusing(HeldPort::Kind::kRefusing);
  WriteFile(folder / "xdg" / "sicoop" / "config.toml",
            "[profile.default]\ndb = \"" + RefusedUrl(refusing.port()) + "\"\noutput = \"/data/out\"\n"
            "lake = \"/data/lake\"  # not used yet\n");
  RunResult profile = RunSicoop({"doctor"}, Isolated(folder, {{"SICOOP_DB_PASSWORD", "x"}}));
  const std::string in_profile = "(from profile 'default' in " + (folder / "xdg" / "sicoop" / "config.toml").string() + ")";
  EXPECT_TRUE(Has(profile.output, "ok    db               " + RefusedUrl(refusing.port()) + " " + in_profile)) << profile.output;
  EXPECT_TRUE(Has(profile.output, "ok    output           /data/out " + in_profile)) << profile.output;
  EXPECT_TRUE(Has(profile.output, "ok    db password      set (from SICOOP_DB_PASSWORD)")) << profile.output;
  EXPECT_TRUE(Has(profile.output, "/data/lake")) << profile.output;
  EXPECT_FALSE(Has(profile.output, "ok    db password      x")) << profile.output;

  RunResult env = RunSicoop({"doctor"}, Isolated(folder, {{"SICOOP_DB_URL", "postgresql://env@127.0.0.1:1/e"},
                                                          {"SICOOP_OUTPUT", "/env/out"}}));
  EXPECT_TRUE(Has(env.output, "postgresql://env@127.0.0.1:1/e (from SICOOP_DB_URL)")) << env.output;
  EXPECT_TRUE(Has(env.output, "/env/out (from SICOOP_OUTPUT)")) << env.output;
  EXPECT_TRUE(Has(env.output, "ok    db password      not set")) << env.output;

  RunResult flag = RunSicoop({"doctor", "--db", "postgresql://flag@127.0.0.1:1/f"},
                             Isolated(folder, {{"SICOOP_DB_URL", "postgresql://env@127.0.0.1:1/e"}}));
  EXPECT_TRUE(Has(flag.output, "postgresql://flag@127.0.0.1:1/f (from --db)")) << flag.output;
}

TEST(ProfilesTest, SicoopDbUrlMayNotHoldAPassword) {
  const fs::path folder = MakeTestFolder("profiles");
  RunResult run = RunSicoop({"db", "init"}, Isolated(folder, {{"SICOOP_DB_URL", "postgresql://u:Secr3t@h/d"}}));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_TRUE(Has(run.output, "SICOOP_DB_URL holds a password")) << run.output;
  EXPECT_FALSE(Has(run.output, "Secr3t")) << run.output;
}

// The precedence, through a command that uses the value: only the real database's URL makes
// `db init` succeed, whichever of flag, environment and profile holds it.
TEST(ProfilesIntegrationTest, FlagOverridesEnvironmentOverridesProfile) {
  FreshDatabase db = MakeFreshDatabase("postgres");
  ASSERT_TRUE(db.connection);
  const std::string good = WithoutPassword(db.url);
  HeldPort refusing(HeldPort::Kind::kRefusing);
  const std::string bad = RefusedUrl(refusing.port());
  const fs::path folder = MakeTestFolder("profiles");
  const auto profile_with = [&](const std::string& url) {
    return WriteFile(folder / "p.toml", "[profile.team]\ndb = \"" + url + "\"\n").string();
  };
  const std::pair<std::string, std::string> password = {"SICOOP_DB_PASSWORD", kHarnessPassword};

  RunResult from_profile = RunSicoop({"db", "init", "--config", profile_with(good), "--profile", "team"},
                                     Isolated(folder, {password}));
  EXPECT_EQ(from_profile.exit_code, 0) << from_profile.output;
  EXPECT_TRUE(Has(from_profile.output, "schema ready in")) << from_profile.output;

  RunResult env_over_profile = RunSicoop({"db", "init", "--config", profile_with(bad)},
                                         Isolated(folder, {password, {"SICOOP_PROFILE", "team"}, {"SICOOP_DB_URL", good}}));
  EXPECT_EQ(env_over_profile.exit_code, 0) << env_over_profile.output;
  RunResult env_wins_even_when_wrong = RunSicoop({"db", "init", "--config", profile_with(good), "--profile", "team"},
                                                 Isolated(folder, {password, {"SICOOP_DB_URL", bad}}));
  EXPECT_EQ(env_wins_even_when_wrong.exit_code, 1) << env_wins_even_when_wrong.output;

  RunResult flag_over_env =
      RunSicoop({"db", "init", "--db", good}, Isolated(folder, {password, {"SICOOP_DB_URL", bad}}));
  EXPECT_EQ(flag_over_env.exit_code, 0) << flag_over_env.output;
}

// The user's own config file ($XDG_CONFIG_HOME/sicoop/config.toml), found without --config.
TEST(ProfilesIntegrationTest, TheUserConfigFileIsFoundThroughXdgConfigHome) {
  FreshDatabase db = MakeFreshDatabase("mysql");
  ASSERT_TRUE(db.connection);
  const fs::path folder = MakeTestFolder("profiles");
  WriteFile(folder / "xdg" / "sicoop" / "config.toml", "[profile.default]\ndb = \"" + WithoutPassword(db.url) + "\"\n");
  RunResult run = RunSicoop({"db", "init"}, Isolated(folder, {{"SICOOP_DB_PASSWORD", kHarnessPassword}}));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  auto tables = db.connection->Query("SELECT COUNT(*) FROM movimento");
  ASSERT_TRUE(tables.ok()) << tables.status().message();
  EXPECT_EQ((*tables)[0][0], "0");
}

// etl takes all three settings from a profile of ./sicoop.toml, the project's own file: the database,
// the Spark endpoint and the output folder.
TEST(ProfilesIntegrationTest, EtlRunsWithEverythingFromTheProjectFile) {
  FreshDatabase db = MakeFreshDatabase("postgres");
  ASSERT_TRUE(db.connection);
  ASSERT_EQ(RunSicoop({"db", "init", "--db", db.url}).exit_code, 0);
  ASSERT_EQ(RunSicoop({"db", "seed", "--db", db.url, "--movimentos", "300"}).exit_code, 0);
  const fs::path folder = MakeTestFolder("profiles");
  WriteFile(folder / "sicoop.toml", "[profile.ci]\ndb = \"" + WithoutPassword(db.url) + "\"\nspark = \"" + SparkUrl() +
                                        "\"\noutput = \"" + (folder / "out").string() + "\"\n");
  RunResult run = RunCommand({"sh", "-c", "cd '" + folder.string() + "' && exec \"$0\" etl --profile ci", SicoopBinary()},
                             Isolated(folder, {{"SICOOP_DB_PASSWORD", kHarnessPassword}}));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string csv = ReadWholeFile(folder / "out" / "movimento_flat.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 301) << "a header and 300 rows";
  EXPECT_FALSE(Has(run.output, "local Spark Connect server")) << "the profile's endpoint, not a local one:\n" << run.output;
}

TEST(DoctorTest, PassesAgainstTheHarnessServers) {
  FreshDatabase db = MakeFreshDatabase("postgres");
  ASSERT_TRUE(db.connection);
  const fs::path folder = MakeTestFolder("doctor");
  ASSERT_EQ(RunSicoop({"db", "init", "--db", db.url}).exit_code, 0);
  RunResult run = RunSicoop({"doctor", "--db", WithoutPassword(db.url), "--spark", SparkUrl()},
                            Isolated(folder, {{"SICOOP_DB_PASSWORD", kHarnessPassword}}));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_FALSE(Has(run.output, "FAIL")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    java             Java ")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    spark runtime    Spark 4.0.1 in ")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    postgresql jdbc  ")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    mysql jdbc       ")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    iceberg runtime  ")) << run.output;
  EXPECT_TRUE(Has(run.output, "/iceberg-spark-runtime-4.0_2.13-")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    s3a connector    ")) << run.output;
  EXPECT_TRUE(Has(run.output, "/hadoop-aws-3.4.1.jar")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    aws sdk s3       ")) << run.output;
  EXPECT_TRUE(Has(run.output, "/s3-2.24.5.jar")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    database         ")) << run.output;
  EXPECT_TRUE(Has(run.output, "its schema is complete")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    spark endpoint   " + SparkUrl() + " answers: Spark 4.0.1")) << run.output;
  EXPECT_FALSE(Has(run.output, kHarnessPassword)) << run.output;
}

TEST(DoctorTest, FailsOnAClosedPortAndAMissingDatabase) {
  const fs::path folder = MakeTestFolder("doctor");
  HeldPort refusing(HeldPort::Kind::kRefusing);
  const std::string missing = WithoutPassword(WithDatabase(PostgresUrl(), "no_such_database_doctor"));
  RunResult run = RunSicoop({"doctor", "--db", missing, "--spark", "sc://127.0.0.1:" + std::to_string(refusing.port())},
                            Isolated(folder, {{"SICOOP_DB_PASSWORD", kHarnessPassword}}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(Has(run.output, "FAIL  database         ")) << run.output;
  EXPECT_TRUE(Has(run.output, "no_such_database_doctor")) << run.output;
  EXPECT_TRUE(Has(run.output, "FAIL  spark endpoint   ")) << run.output;
  EXPECT_TRUE(Has(run.output, "sicoop: 2 checks failed")) << run.output;
  EXPECT_TRUE(Has(run.output, "ok    java ")) << run.output;
}

TEST(DoctorTest, FailsWhenTheIcebergRuntimeIsNotAmongTheJars) {
  const fs::path folder = MakeTestFolder("doctor");
  const fs::path jars = folder / "jars";
  fs::create_directories(jars);
  RunResult run = RunSicoop({"doctor"}, Isolated(folder, {{"SICOOP_JARS", jars.string()}}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(Has(run.output, "FAIL  iceberg runtime  no iceberg-spark-runtime-*.jar among the jars (SICOOP_JARS=" +
                                  jars.string() + "): run scripts/setup.sh, or add the jar to SICOOP_JARS"))
      << run.output;
}

// The SDK's transfer manager alone is not its S3 module: a jar counts by its name up to the version.
TEST(DoctorTest, FailsWhenTheS3AConnectorIsNotAmongTheJars) {
  const fs::path folder = MakeTestFolder("doctor");
  const fs::path jars = folder / "jars";
  fs::create_directories(jars);
  WriteFile(jars / "s3-transfer-manager-2.24.5.jar", "");
  RunResult run = RunSicoop({"doctor"}, Isolated(folder, {{"SICOOP_JARS", jars.string()}}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(Has(run.output, "FAIL  s3a connector    no hadoop-aws-*.jar among the jars (SICOOP_JARS=" + jars.string() +
                                  "): run scripts/setup.sh, or add the jar to SICOOP_JARS"))
      << run.output;
  EXPECT_TRUE(Has(run.output, "FAIL  aws sdk s3       no s3-*.jar among the jars (SICOOP_JARS=" + jars.string() +
                                  "): run scripts/setup.sh, or add the jar to SICOOP_JARS"))
      << run.output;
}

// An s3a:// output or lake: doctor finds the credentials and checks the buckets as a run would.
TEST(DoctorTest, ChecksTheBucketsOfAnS3OutputAndLake) {
  const fs::path folder = MakeTestFolder("doctor");
  const std::string bucket = FreshS3Bucket();
  ASSERT_FALSE(bucket.empty());
  auto aws = [&](const std::string& secret, const std::string& output, const std::string& lake = "") {
    return Isolated(folder, {{"AWS_ACCESS_KEY_ID", S3AccessKey()}, {"AWS_SECRET_ACCESS_KEY", secret},
                             {"AWS_REGION", S3Region()}, {"AWS_ENDPOINT_URL_S3", S3Endpoint()},
                             {"SICOOP_OUTPUT", output}, {"SICOOP_LAKE", lake}});
  };
  RunResult good = RunSicoop({"doctor"}, aws(S3SecretKey(), "s3a://" + bucket + "/out", "s3a://" + bucket + "/lake"));
  EXPECT_TRUE(Has(good.output, "ok    s3               " + bucket + " at " + S3Endpoint() +
                                   ", credentials from AWS_ACCESS_KEY_ID"))
      << good.output;
  RunResult refused = RunSicoop({"doctor"}, aws("not-the-secret-1234", "s3a://" + bucket + "/out"));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(Has(refused.output, "FAIL  s3               ")) << refused.output;
  EXPECT_TRUE(Has(refused.output, bucket)) << refused.output;
  EXPECT_FALSE(Has(refused.output, "not-the-secret-1234")) << refused.output;
  RunResult missing = RunSicoop({"doctor"}, aws(S3SecretKey(), "s3a://no-such-" + bucket.substr(0, 30) + "/out"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_TRUE(Has(missing.output, "does not exist")) << missing.output;
}

}  // namespace
}  // namespace sicoop::testing
