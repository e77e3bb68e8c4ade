// sicoop doctor: checks an installation and the endpoints it is given before a real run, one line
// per check, so that a user learns everything that is wrong at once rather than one failure per run.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/db_timeout.h"
#include "cli/help_catalog.h"
#include "cli/options.h"
#include "cli/profile.h"
#include "cli/source_database.h"
#include "cli/storage_access.h"
#include "storage/location.h"
#include "storage/s3_settings.h"
#include "db/connection.h"
#include "db/password_source.h"
#include "db/schema.h"
#include "local/local_server.h"
#include "local/runtime.h"
#include "spark/connection_string.h"
#include "spark/session.h"

namespace sicoop::cli {
namespace {

namespace fs = std::filesystem;

const CommandSpec kDoctorSpec = {
    "sicoop doctor [--db URL] [--spark URL] [--profile NAME]",
    "Checks what a run needs, one line per check (ok or FAIL, what was found, what to do): Java, the\n"
    "Spark runtime, the JDBC, Iceberg and S3A (object storage) jars, the config file and profile, each\n"
    "setting and where it came from, the database and its schema (when a URL is known) and the Spark endpoint. Starts no\n"
    "server.\n"
    "Exit status 1 when a check fails.",
    {
        {"db", "URL", "database to check (default: SICOOP_DB_URL, else the profile's db)", ""},
        DbPasswordFileOption(),
        kDbTimeoutOption,
        {"spark", "URL", "Spark Connect endpoint to check (default: SICOOP_SPARK_URL, else the profile's spark)", ""},
        ConfigOption(),
        ProfileOption(),
    }};

class Report {
 public:
  void Ok(const std::string& check, const std::string& detail) { Line("ok", check, detail); }
  void Fail(const std::string& check, const std::string& detail) {
    ++failures_;
    Line("FAIL", check, detail);
  }
  int failures() const { return failures_; }

 private:
  static void Line(const char* verdict, const std::string& check, const std::string& detail) {
    std::printf("%-4s  %-16s %s\n", verdict, check.c_str(), detail.c_str());
    std::fflush(stdout);  // each line as its check ends: a slow endpoint check then shows where it is
  }
  int failures_ = 0;
};

// The version in the name of Spark's own core jar (spark-core_2.13-4.0.1.jar); empty when absent.
std::string SparkVersion(const fs::path& spark_home) {
  std::error_code error;
  for (fs::directory_iterator it(spark_home / "jars", error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with("spark-core_") || !name.ends_with(".jar")) continue;
    const size_t dash = name.find('-', std::string("spark-core_").size());
    if (dash != std::string::npos) return name.substr(dash + 1, name.size() - dash - 1 - 4);
  }
  return "";
}

void CheckRuntime(const Environment& environment, Report& report) {
  auto runtime = local::FindSparkRuntime(environment);
  if (!runtime.ok()) {
    report.Fail("runtime", runtime.status().message());
    return;
  }
  report.Ok("java", (runtime->java_version > 0 ? "Java " + std::to_string(runtime->java_version) : "Java") + " in " +
                        runtime->java_home.string());
  const std::string version = SparkVersion(runtime->spark_home);
  report.Ok("spark runtime",
            (version.empty() ? "Spark (version unknown)" : "Spark " + version) + " in " + runtime->spark_home.string());
  // The drivers extract.cc names (org.postgresql.Driver, com.mysql.cj.jdbc.Driver), the runtime
  // behind the lake's catalog (org.apache.iceberg.spark.SparkCatalog), and Spark's S3A connector
  // for object storage with the AWS SDK's S3 module it calls (the SDK's other modules come with it
  // from scripts/setup.sh). A jar is NAME-VERSION.jar: the prefix must be followed by the version,
  // so that s3-transfer-manager-2.24.5.jar does not pass for the s3 module.
  const std::pair<const char*, const char*> jars[] = {{"postgresql jdbc", "postgresql-"},
                                                      {"mysql jdbc", "mysql-connector-j-"},
                                                      {"iceberg runtime", "iceberg-spark-runtime-"},
                                                      {"s3a connector", "hadoop-aws-"},
                                                      {"aws sdk s3", "s3-"}};
  for (const auto& [check, prefix] : jars) {
    std::string found;
    for (const std::string& jar : runtime->jars) {
      const std::string name = fs::path(jar).filename().string();
      const size_t length = std::string_view(prefix).size();
      if (name.starts_with(prefix) && name.size() > length && std::isdigit(static_cast<unsigned char>(name[length]))) {
        found = jar;
      }
    }
    if (found.empty()) {
      report.Fail(check, std::string("no ") + prefix + "*.jar among the jars (" +
                             (environment.jars.empty() ? (local::CacheDir(environment) / "jars").string()
                                                       : "SICOOP_JARS=" + environment.jars) +
                             "): run scripts/setup.sh, or add the jar to SICOOP_JARS");
    } else {
      report.Ok(check, found);
    }
  }
}

// The database URL as it may be shown: its password, if any, replaced by ***.
std::string Shown(std::string url) {
  if (auto password = db::UrlPasswordSpan(url)) url.replace(password->offset, password->length, "***");
  return url;
}

std::string PasswordOrigin(const ParsedOptions& parsed, const Environment& environment, const Setting& db) {
  if (db::UrlPasswordSpan(db.value)) return "set (in the URL from " + db.origin + ")";
  if (parsed.Has("db-password-file")) return "set (from --db-password-file " + parsed.Get("db-password-file") + ")";
  if (!environment.db_password_file.empty()) return "set (from SICOOP_DB_PASSWORD_FILE " + environment.db_password_file + ")";
  if (!environment.db_password.empty()) return "set (from SICOOP_DB_PASSWORD)";
  // libpq's own sources reach the JDBC reads too (db/connection.h); sicoop does not read them itself.
  if (db.value.starts_with("postgres")) return "not set (libpq may still find one in PGPASSWORD, ~/.pgpass or PGPASSFILE)";
  return "not set";
}

void CheckDatabase(ParsedOptions& parsed, const Environment& environment, const Setting& db, Report& report) {
  if (db.value.empty()) {
    report.Ok("database", "not checked: no URL (give --db, set SICOOP_DB_URL, or set db in a profile)");
    return;
  }
  parsed.Set("db", db.value);
  auto connected = [&]() -> Result<std::string> {
    SICOOP_ASSIGN_OR_RETURN(db::DbUrl url, SourceDatabase(parsed, environment));
    SICOOP_RETURN_IF_ERROR(ApplyDbTimeout(parsed, url));
    SICOOP_ASSIGN_OR_RETURN(auto connection, db::Connect(url));
    SICOOP_RETURN_IF_ERROR(db::CheckSchema(*connection));
    return connection->Describe();
  }();
  if (connected.ok()) {
    report.Ok("database", *connected + " answers; its schema is complete");
  } else {
    report.Fail("database", connected.status().message());
  }
}

// The Spark Connect server at `endpoint` answers with its version.
Result<std::string> Answering(const spark::ConnectionString& endpoint, const Environment& environment) {
  spark::SessionOptions options;
  options.user_name = environment.user;
  SICOOP_ASSIGN_OR_RETURN(auto session, spark::SparkSession::Connect(endpoint, options));
  SICOOP_ASSIGN_OR_RETURN(std::string version, session->Version());
  SICOOP_RETURN_IF_ERROR(session->Close());
  return version;
}

void CheckSpark(const Environment& environment, const Setting& spark, Report& report) {
  if (!spark.value.empty()) {
    auto endpoint = spark::ParseConnectionString(spark.value);
    if (!endpoint.ok()) {
      report.Fail("spark endpoint", endpoint.status().message());
      return;
    }
    auto version = Answering(*endpoint, environment);
    if (version.ok()) {
      report.Ok("spark endpoint", endpoint->Redacted() + " answers: Spark " + *version);
    } else {
      report.Fail("spark endpoint", version.status().message());
    }
    return;
  }
  const fs::path state_dir = local::DefaultStateDir(environment);
  auto running = local::RunningLocalServer(state_dir);
  if (!running || running->port == 0) {
    report.Ok("spark endpoint", "none given and no local server runs: etl will start a local server for its run "
                                "('sicoop spark start' keeps one running between runs)");
    return;
  }
  auto version = Answering(running->endpoint(), environment);
  if (version.ok()) {
    report.Ok("spark endpoint", "none given: etl will use the local server at " + running->endpoint().Redacted() +
                                    " (Spark " + *version + ")");
  } else {
    report.Fail("spark endpoint", "the local server recorded in " + state_dir.string() +
                                      " does not answer: " + version.status().message() +
                                      "; run 'sicoop spark stop' and 'sicoop spark start'");
  }
}

// The S3 side of the settings that name s3a:// places: credentials found, and each bucket there for
// them (the check a run makes before it starts).
void CheckObjectStorage(const std::vector<Setting>& places, const Environment& environment, Report& report) {
  std::vector<storage::Location> objects;
  std::string buckets;
  for (const Setting& place : places) {
    auto location = storage::Location::Parse(place.value, place.origin);
    if (!location.ok() || !location->is_object()) continue;
    const bool new_bucket = std::none_of(objects.begin(), objects.end(), [&](const storage::Location& seen) {
      return seen.object().bucket == location->object().bucket;
    });
    if (new_bucket) buckets += (buckets.empty() ? "" : ", ") + location->object().bucket;
    objects.push_back(*location);
  }
  if (objects.empty()) return;
  auto access = OpenStorage(objects, environment);
  if (!access.ok()) {
    report.Fail("s3", access.status().message());
    return;
  }
  auto credentials = storage::ResolveCredentials(*access->s3_settings);
  report.Ok("s3", buckets + " at " + access->s3_settings->endpoint +
                      (credentials.ok() ? ", credentials from " + credentials->source : std::string()));
}

Status Doctor(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kDoctorSpec, args));
  if (!given) return Status::Ok();
  ParsedOptions& parsed = *given;
  Report report;
  CheckRuntime(environment, report);

  Profile profile;
  auto loaded = LoadProfile(parsed, environment);
  if (!loaded.ok()) {
    report.Fail("config", loaded.status().message());
  } else {
    profile = *loaded;
    if (profile.path.empty()) {
      report.Ok("config", "no config file (none given by --config, no ./sicoop.toml, no "
                          "$XDG_CONFIG_HOME/sicoop/config.toml or ~/.config/sicoop/config.toml)");
    } else if (profile.found) {
      report.Ok("config", profile.path + ", profile '" + profile.name + "'");
    } else {
      report.Ok("config", profile.path + " has no profile '" + profile.name + "': settings come from flags and "
                          "the environment only");
    }
  }

  const Setting db = Resolve("db", parsed, environment, profile);
  if (db.value.empty()) {
    report.Ok("db", "not set");
  } else if (db.origin != "--db" && db::UrlPasswordSpan(db.value)) {
    report.Fail("db", Shown(db.value) + " (from " + db.origin + "): holds a password, which " + db.origin +
                          " must not: remove it and use --db-password-file, SICOOP_DB_PASSWORD_FILE or SICOOP_DB_PASSWORD");
  } else {
    report.Ok("db", Shown(db.value) + " (from " + db.origin + ")");
  }
  report.Ok("db password", PasswordOrigin(parsed, environment, db));
  const Setting spark = Resolve("spark", parsed, environment, profile);
  const Setting output = Resolve("output", parsed, environment, profile);
  const Setting lake = Resolve("lake", parsed, environment, profile);
  auto spark_shown = spark::ParseConnectionString(spark.value);
  report.Ok("spark", spark.value.empty() ? "not set"
                     : (spark_shown.ok() ? spark_shown->Redacted() : spark.value) + " (from " + spark.origin + ")");
  report.Ok("output", output.value.empty() ? "not set" : output.value + " (from " + output.origin + ")");
  if (!lake.value.empty()) report.Ok("lake", lake.value + " (from " + lake.origin + ")");
  CheckObjectStorage({output, lake}, environment, report);

  CheckDatabase(parsed, environment, db, report);
  CheckSpark(environment, spark, report);
  if (report.failures() == 0) return Status::Ok();
  return Status::Failure(std::to_string(report.failures()) + " check" + (report.failures() == 1 ? "" : "s") +
                         " failed: see the FAIL line" + (report.failures() == 1 ? "" : "s") + " above");
}

}  // namespace

const CommandSpec& DoctorSpec() { return kDoctorSpec; }

int RunDoctor(const std::vector<std::string>& args, const Environment& environment) {
  return ExitStatusOf(Doctor(args, environment), "sicoop doctor");
}

}  // namespace sicoop::cli
