#include "spark/session.h"

#include <algorithm>

#include "spark/internal/channel.h"
#include "spark/internal/client.h"

namespace sicoop::spark {

Result<std::unique_ptr<SparkSession>> SparkSession::Connect(const ConnectionString& endpoint,
                                                            SessionOptions options) {
  SICOOP_RETURN_IF_ERROR(AwaitHandshake(endpoint, std::min(options.handshake_timeout, options.connect_timeout)));
  SICOOP_ASSIGN_OR_RETURN(auto client, SparkConnectClient::Connect(endpoint, options.connect_timeout, options.user_name));
  client->SetReattachTimeout(options.reattach_timeout);
  client->SetServerGone(options.server_gone);
  std::unique_ptr<SparkSession> session(new SparkSession(std::move(client)));
  // The first request creates the session on the server and proves that what listens there is
  // Spark Connect (and that the token, if any, is accepted).
  proto::AnalyzePlanRequest request;
  request.mutable_spark_version();
  auto answer = session->client_->Analyze(std::move(request), options.connect_timeout);
  if (!answer.ok()) {
    session->closed_ = true;  // nothing to release
    return answer.status().WithContext("Spark Connect at " + endpoint.Redacted() + " did not accept a session");
  }
  // Spark redacts its configuration, not the plans that the Connect pages and the SQL tab of its web
  // UI print (protobuf's text format): this pattern makes it blank out, in them, the value of every
  // option named "password" (a JDBC read's) and the hex digits after kSecretLiteralMarker. A
  // runtime setting of this session, so it holds on any endpoint (ARCHITECTURE.md, "Secrets and the
  // Spark UI").
  options.conf.try_emplace("spark.sql.redaction.string.regex",
                           R"((?<=key: "password"\s{1,200}value: ")(?:[^"\\]|\\.)*|(?<=)" +
                               std::string(kSecretLiteralMarker) + ")[0-9A-Fa-f]+");
  SICOOP_RETURN_IF_ERROR(session->SetConf(options.conf));
  return session;
}

SparkSession::SparkSession(std::unique_ptr<SparkConnectClient> client) : client_(std::move(client)) {}

SparkSession::~SparkSession() { (void)Close(); }  // a destructor cannot report; the server drops idle sessions itself

DataFrameReader SparkSession::Read() { return DataFrameReader(this); }

DataFrame SparkSession::Sql(std::string query) {
  auto relation = std::make_shared<proto::Relation>();
  relation->mutable_sql()->set_query(std::move(query));
  return DataFrame(this, std::move(relation));
}

Result<std::string> SparkSession::Version() {
  proto::AnalyzePlanRequest request;
  request.mutable_spark_version();
  SICOOP_ASSIGN_OR_RETURN(auto response, client_->Analyze(std::move(request)));
  return response.spark_version().version();
}

Status SparkSession::SetConf(const std::map<std::string, std::string>& conf) {
  proto::ConfigRequest::Operation operation;
  for (const auto& [key, value] : conf) {
    auto* pair = operation.mutable_set()->add_pairs();
    pair->set_key(key);
    pair->set_value(value);
  }
  return client_->Config(operation).WithContext("setting Spark configuration");
}

void SparkSession::SetProgressHandler(std::function<void(const ExecutionProgress&)> handler) {
  client_->SetProgressHandler(std::move(handler));
}

Status SparkSession::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  return client_->ReleaseSession();
}

const ConnectionString& SparkSession::endpoint() const { return client_->endpoint(); }
const std::string& SparkSession::session_id() const { return client_->session_id(); }

}  // namespace sicoop::spark
