// SparkSession: one Spark Connect session on an endpoint, with PySpark's vocabulary
// (spark.read, spark.sql, spark.version, spark.conf.set, spark.stop).
//
//   SICOOP_ASSIGN_OR_RETURN(auto spark, SparkSession::Connect(endpoint, {}));
//   SICOOP_ASSIGN_OR_RETURN(Rows rows, spark->Sql("SELECT 1 AS one").Collect());
//
// Errors from Spark come back as Status::Failure("Spark: [ERROR_CLASS] message..."), with the first
// lines of Spark's message (FetchErrorDetails when the server offers it), never a JVM stack trace.
// A session is used from one thread at a time.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "spark/connection_string.h"
#include "spark/dataframe.h"
#include "spark/execution_progress.h"
#include "spark/reader.h"

namespace sicoop::spark {

class SparkConnectClient;

// A string literal of a query that starts with this marker and goes on in hex digits holds a secret
// (e.g. key material; the query strips the marker itself): every session blanks those digits out of
// the text of the plans that Spark's web UI shows (Connect pages, SQL tab), as it does a JDBC
// password. Not out of the graph of a plan on the SQL tab, which shows each operator's expressions
// as they are: there the secret must be data (the row of a VALUES table), not an expression's literal.
inline constexpr std::string_view kSecretLiteralMarker = "sicoop-secret:";

struct SessionOptions {
  // How long Connect waits for the endpoint to accept the connection and answer.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(20);
  // How long the endpoint may take to complete the connection's handshake (TCP, TLS, HTTP/2), which
  // a Spark Connect server does in milliseconds: a listener that accepts and says nothing is found
  // out after this (or connect_timeout, when shorter). A refused or garbled handshake fails at once.
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(5);
  // Spark SQL settings applied to the session once connected (spark.conf.set).
  std::map<std::string, std::string> conf;
  // How long an action keeps reattaching to its running operation after the connection to the
  // server broke, before it gives up (the operation is then released, which stops it).
  std::chrono::milliseconds reattach_timeout = std::chrono::seconds(60);
  // When set, asked each time a broken connection is to be reattached: a reason when the server is
  // known to be gone for good (the process of a local server has died), and the action then fails
  // at once with it instead of reattaching to nothing until reattach_timeout.
  std::function<std::optional<std::string>()> server_gone;
  // The user the session is opened for when the connection string names none (user_id=...);
  // empty: the login name, else "sicoop". sicoop's commands pass $USER.
  std::string user_name;
};

class SparkSession {
 public:
  // Opens a session on `endpoint` and checks that it answers (it asks for the Spark version). An
  // endpoint that does not answer within options.connect_timeout is a Failure that names it
  // (redacted) and says what to check.
  static Result<std::unique_ptr<SparkSession>> Connect(const ConnectionString& endpoint,
                                                       SessionOptions options = {});
  ~SparkSession();  // Close()s, ignoring errors
  SparkSession(const SparkSession&) = delete;
  SparkSession& operator=(const SparkSession&) = delete;

  DataFrameReader Read();
  // A DataFrame for a SQL query. It runs when an action asks for it; SQL errors surface there.
  DataFrame Sql(std::string query);
  // The server's Spark version, e.g. "4.0.1".
  Result<std::string> Version();
  Status SetConf(const std::map<std::string, std::string>& conf);
  // Called with each progress report Spark sends while a plan runs (every
  // spark.connect.progress.reportInterval, 2 s by default), on the thread that runs the action.
  void SetProgressHandler(std::function<void(const ExecutionProgress&)> handler);
  // Releases the session on the server (its temp views go with it). Idempotent.
  Status Close();

  const ConnectionString& endpoint() const;
  const std::string& session_id() const;
  // The protocol client behind this session; for src/spark's own use.
  SparkConnectClient& client() { return *client_; }

 private:
  explicit SparkSession(std::unique_ptr<SparkConnectClient> client);
  std::unique_ptr<SparkConnectClient> client_;
  bool closed_ = false;
};

}  // namespace sicoop::spark
