// The Spark Connect protocol client behind a SparkSession: one gRPC channel, one session id, and
// the RPCs sicoop uses (ExecutePlan, AnalyzePlan, Config, FetchErrorDetails, ReleaseSession).
// Internal to src/spark; the public vocabulary is in session.h.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "spark/connect/base.grpc.pb.h"
#include "spark/connection_string.h"
#include "spark/execution_progress.h"

namespace sicoop::spark {

namespace proto = ::spark::connect;

// What an ExecutePlan stream delivered.
struct ExecuteResult {
  std::vector<std::string> arrow_batches;  // each an Arrow IPC stream: schema + one record batch
  std::vector<std::string> column_names;   // from the result schema, when the server sent one
};

class SparkConnectClient {
 public:
  // Opens a channel to `endpoint` and waits up to `timeout` for it to connect. Does not send a
  // request: the caller's first RPC tells whether Spark Connect answers. `user_name` is the user
  // when the endpoint names none (empty: the login name, else "sicoop").
  static Result<std::unique_ptr<SparkConnectClient>> Connect(const ConnectionString& endpoint,
                                                             std::chrono::milliseconds timeout,
                                                             const std::string& user_name);

  // Runs `plan` to completion, reading the whole response stream. Progress reports go to the
  // progress handler as they arrive.
  Result<ExecuteResult> Execute(const proto::Plan& plan);
  // `deadline` bounds the call; zero means none.
  Result<proto::AnalyzePlanResponse> Analyze(proto::AnalyzePlanRequest request,
                                             std::chrono::milliseconds deadline = {});
  Status Config(const proto::ConfigRequest::Operation& operation);
  Status ReleaseSession();

  void SetProgressHandler(std::function<void(const ExecutionProgress&)> handler) {
    progress_handler_ = std::move(handler);
  }
  const ConnectionString& endpoint() const { return endpoint_; }
  const std::string& session_id() const { return session_id_; }

 private:
  SparkConnectClient(ConnectionString endpoint, std::shared_ptr<grpc::Channel> channel, std::string user_id);

  // Sets the fields every request carries: session, user, client type, and the server-side
  // session id seen so far (so that a restarted server is detected instead of silently losing
  // the session's temp views).
  template <typename Request>
  void FillHeader(Request& request) const;
  // A context with the call metadata and an optional deadline.
  std::unique_ptr<grpc::ClientContext> NewContext(std::chrono::milliseconds deadline = {}) const;
  void ObserveServerSession(const std::string& server_side_session_id);
  // Turns a failed call into a readable Status, asking the server for the error's details.
  Status ErrorOf(const grpc::Status& status);
  void ReportProgress(const proto::ExecutePlanResponse::ExecutionProgress& progress) const;

  ConnectionString endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<proto::SparkConnectService::Stub> stub_;
  std::string session_id_;
  std::string user_id_;
  std::string client_type_;
  std::string server_side_session_id_;
  std::function<void(const ExecutionProgress&)> progress_handler_;
};

}  // namespace sicoop::spark
