// The Spark settings the Kubernetes deployment gives its server, on a local Spark Connect server of
// the test's own, during a real `sicoop etl`: those of the web UI, of redaction and of
// authentication, read from deploy/kubernetes/spark-defaults.conf itself (the cluster's settings —
// master, ports, executors — do not apply on one machine). As deployed, the UI is off: though the
// test asks the server for a UI, none of its ports answers HTTP. With the UI turned on, the
// deployment's redaction and authentication, an ETL runs and no page of the UI shows the database
// password, also for a client that reads over JDBC with no redaction setting of its own. Spark accepts the secret file of
// spark.authenticate on Kubernetes only; here Spark makes the secret itself.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/local_servers_support.h"
#include "common/environment.h"
#include "db/db_url.h"
#include "local/local_server.h"
#include "spark/session.h"
#include "support/http_get.h"
#include "support/seeded_database.h"
#include "support/spark_ui_crawl.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kSeededMovimentos = 200;
// The settings of the deployment that apply on one machine: the UI, redaction, authentication.
const std::regex kApplicableSetting(R"(^(spark\.(ui\.|redaction\.|sql\.redaction\.|authenticate|network\.crypto\.)\S*)\s+(.*\S)\s*$)");

// Those settings of spark-defaults.conf, as the file writes them (properties-file escapes kept).
std::map<std::string, std::string> DeploymentSettings() {
  std::map<std::string, std::string> settings;
  std::istringstream lines(ReadWholeFile(fs::path(SICOOP_KUBERNETES_DIR) / "spark-defaults.conf"));
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (std::regex_match(line, match, kApplicableSetting)) settings[match[1].str()] = match[3].str();
  }
  return settings;
}

// A value of a properties file as Java reads it: a backslash escapes the character after it.
std::string Unescaped(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) out += value[i] == '\\' && i + 1 < value.size() ? value[++i] : value[i];
  return out;
}

// The TCP ports the process listens on: its sockets (/proc/PID/fd) among the listening ones of
// /proc/net/tcp and tcp6.
std::set<int> ListeningPorts(pid_t pid) {
  std::set<std::string> inodes;
  std::error_code error;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    std::error_code link_error;
    const std::string target = fs::read_symlink(fd.path(), link_error).string();
    if (!link_error && target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
  }
  std::set<int> ports;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::istringstream lines(ReadWholeFile(table));
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      if (state == "0A" && inodes.count(inode) == 1) ports.insert(std::stoi(local.substr(local.find(':') + 1), nullptr, 16));
    }
  }
  return ports;
}

// The ports of the server that answer an HTTP request, other than its Connect port.
std::set<int> HttpPorts(const local::LocalServerState& server) {
  std::set<int> answering;
  for (int port : ListeningPorts(server.pid)) {
    if (port != server.port && HttpGet(port, "/").status != 0) answering.insert(port);
  }
  return answering;
}

class DeploymentSparkSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-k8s-settings");
    fresh_ = MakeSeededDatabase("postgres", kSeededMovimentos);
    ASSERT_TRUE(fresh_.connection);
    auto url = db::ParseDbUrl(fresh_.url);
    ASSERT_TRUE(url.ok()) << url.status().message();
    source_ = *url;
    ASSERT_FALSE(source_.password.empty());
    password_file_ = root_ / "db-password";
    std::ofstream(password_file_) << source_.password << "\n";
  }

  void TearDown() override {
    for (const char* server : {"spark-as-deployed", "spark-with-ui"}) {
      Status stopped = local::StopLocalServer(root_ / server);
      EXPECT_TRUE(stopped.ok()) << stopped.message();
    }
    unsetenv("SPARK_CONF_DIR");
    KillProcessesWorkingUnder(root_);
    fs::remove_all(root_);
  }

  // Starts a local server, with its UI asked for, whose spark-defaults.conf holds `settings` but the
  // secret file (on one machine Spark refuses it: "only allowed in Kubernetes mode").
  local::LocalServerState StartServer(const std::string& name, std::map<std::string, std::string> settings) {
    settings.erase("spark.authenticate.secret.file");
    const fs::path conf = root_ / (name + "-conf");
    fs::create_directories(conf);
    std::ofstream defaults(conf / "spark-defaults.conf");
    for (const auto& [key, value] : settings) defaults << key << " " << value << "\n";
    defaults.close();
    setenv("SPARK_CONF_DIR", conf.c_str(), 1);  // the server inherits it: spark-submit reads the file there
    local::LocalServerOptions options;
    options.state_dir = root_ / name;
    options.driver_memory = "1g";
    options.web_ui = true;
    auto started = local::StartLocalServer(options, Environment::FromProcess());
    EXPECT_TRUE(started.ok()) << started.status().message();
    return started.ok() ? *started : local::LocalServerState{};
  }

  void ExpectEtlWritesTheSeed(const local::LocalServerState& server, const std::string& name) {
    const fs::path output = root_ / name;
    RunResult run = RunSicoop({"etl", "--spark", server.endpoint().Redacted(), "--db",
                               "postgresql://" + source_.user + "@" + source_.Endpoint() + "/" + source_.database,
                               "--db-password-file", password_file_.string(), "--output", output.string()});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(ReadCsvFile(output / "movimento_flat.csv").size(), static_cast<size_t>(kSeededMovimentos + 1));
  }

  // A read over JDBC of the seeded movimentos, named `alias`, by a client whose session's plan
  // redaction pattern is `pattern`.
  void ExpectClientReadsTheSeed(const local::LocalServerState& server, const std::string& pattern,
                                const std::string& alias) {
    spark::SessionOptions options;
    options.conf["spark.sql.redaction.string.regex"] = pattern;
    auto session = spark::SparkSession::Connect(server.endpoint(), options);
    ASSERT_TRUE(session.ok()) << session.status().message();
    auto rows = (*session)
                    ->Read()
                    .Format("jdbc")
                    .Options({{"url", source_.JdbcUrl()}, {"dbtable", "(SELECT id FROM movimento) AS " + alias},
                              {"user", source_.user}, {"password", source_.password}, {"driver", "org.postgresql.Driver"}})
                    .Load()
                    .Count();
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    EXPECT_EQ(*rows, kSeededMovimentos);
  }

  fs::path root_, password_file_;
  FreshDatabase fresh_;
  db::DbUrl source_;
};

TEST_F(DeploymentSparkSettingsTest, TheUiIsOffAndWhenTurnedOnShowsNoSecretDuringAnEtl) {
  const auto settings = DeploymentSettings();
  for (const char* key : {"spark.ui.enabled", "spark.redaction.regex", "spark.sql.redaction.string.regex",
                          "spark.authenticate", "spark.authenticate.secret.file", "spark.network.crypto.enabled"}) {
    ASSERT_EQ(settings.count(key), 1u) << key << " is not in deploy/kubernetes/spark-defaults.conf";
  }

  // As deployed: the UI stays off though asked for.
  const local::LocalServerState deployed = StartServer("spark-as-deployed", settings);
  ASSERT_GT(deployed.pid, 0);
  EXPECT_EQ(deployed.ui_port, 0);
  EXPECT_EQ(ReadWholeFile(deployed.log_file).find("'SparkUI'"), std::string::npos) << "a UI started";
  EXPECT_EQ(HttpPorts(deployed), std::set<int>{}) << "a port of the server answers HTTP";
  ASSERT_TRUE(local::StopLocalServer(root_ / "spark-as-deployed").ok());

  // The UI on, with the deployment's redaction and authentication: an ETL, then a read over JDBC by
  // a client whose session has no redaction of its own but the server's (sicoop sets its own).
  auto with_ui = settings;
  with_ui.erase("spark.ui.enabled");
  const local::LocalServerState server = StartServer("spark-with-ui", with_ui);
  ASSERT_GT(server.ui_port, 0);
  EXPECT_EQ(HttpPorts(server), std::set<int>{server.ui_port}) << "the check that found no UI above finds this one";
  ExpectEtlWritesTheSeed(server, "with-ui");
  ExpectClientReadsTheSeed(server, Unescaped(settings.at("spark.sql.redaction.string.regex")), "deployment_client_read");
  Crawl crawl = CrawlUi(server.ui_port, SparkUiSections());
  EXPECT_TRUE(crawl.failures.empty()) << crawl.failures.size() << " pages failed, the first: " << crawl.failures.front();
  for (const auto& [path, body] : crawl.pages) {
    const size_t at = body.find(source_.password);
    EXPECT_EQ(at, std::string::npos) << path << " shows the password: ..." << body.substr(at < 300 ? 0 : at - 300, 300);
  }
  // What was searched: the deployment's settings in force, and the plans of the JDBC reads of both
  // clients.
  EXPECT_NE(crawl.pages["/environment/"].find("spark.network.crypto.enabled"), std::string::npos);
  EXPECT_GE(CountPagesStartingWith(crawl, "/connect/session/?id="), 2u) << "the sessions of sicoop and of the client";
  EXPECT_GE(CountPagesStartingWith(crawl, "/SQL/execution/?id="), 2u);
  // The client's read on the Connect page, its password option blanked by the deployment's pattern:
  // the options follow the table's name in key order.
  const std::string& connect_page = crawl.pages["/connect/"];
  const size_t read_at = connect_page.find("deployment_client_read&quot;");
  ASSERT_NE(read_at, std::string::npos) << "the Connect page does not show the client's read";
  const std::string options = connect_page.substr(read_at, 600);
  EXPECT_NE(std::regex_replace(options, std::regex(R"(\s+)"), " ")
                .find("key: &quot;password&quot; value: &quot;*********(redacted)&quot;"),
            std::string::npos)
      << options;

  // The control: the same read by a session whose pattern matches nothing (as a session without
  // one) shows the password on the same page: the search above would have found it.
  ExpectClientReadsTheSeed(server, "x^", "control_read");
  const std::string connect = HttpGet(server.ui_port, "/connect/").body;
  EXPECT_NE(connect.find("control_read"), std::string::npos);
  EXPECT_NE(connect.find(source_.password), std::string::npos) << "the control read's password is not on the page";
  RecordProperty("ui_pages_fetched", static_cast<int>(crawl.pages.size()));
}

}  // namespace
}  // namespace sicoop::testing
