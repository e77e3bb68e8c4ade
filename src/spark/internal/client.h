// The Spark Connect protocol client behind a SparkSession: one gRPC channel, one session id, and
// the RPCs sicoop uses (ExecutePlan with ReattachExecute and ReleaseExecute, AnalyzePlan, Config,
// FetchErrorDetails, ReleaseSession). Internal to src/spark; the public vocabulary is in session.h.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/cleanup.h"
#include "common/status.h"
#include "spark/connect/base.grpc.pb.h"
#include "spark/connection_string.h"
#include "spark/execution_progress.h"

namespace sicoop::spark {

namespace proto = ::spark::connect;

// What an ExecutePlan stream delivered.
struct ExecuteResult {
  std::vector<std::string> arrow_batches;  // each an Arrow IPC stream: schema + one record batch (none
                                           // when Execute had a batch consumer)
  std::vector<std::string> column_names;   // from the result schema, when the server sent one
  // The metrics of the plan's CollectMetrics relations (DataFrame::Observe), one entry per name.
  std::vector<proto::ExecutePlanResponse::ObservedMetrics> observed_metrics;
};

class SparkConnectClient {
 public:
  // Opens a channel to `endpoint` and waits up to `timeout` for it to connect. Does not send a
  // request: the caller's first RPC tells whether Spark Connect answers. `user_name` is the user
  // when the endpoint names none (empty: the login name, else "sicoop").
  static Result<std::unique_ptr<SparkConnectClient>> Connect(const ConnectionString& endpoint,
                                                             std::chrono::milliseconds timeout,
                                                             const std::string& user_name);
  ~SparkConnectClient();  // stops the session's heartbeat

  // Runs `plan` to completion, reading the whole response stream. Progress reports go to the
  // progress handler as they arrive. The operation is reattachable: a stream broken by a lost
  // connection (UNAVAILABLE) is reattached where it stopped, with Spark's back-off, for up to the
  // reattach timeout; then the operation is released (which stops it) and Execute fails.
  //
  // With `on_batch`, each Arrow batch goes to it as it arrives, in the order Spark sends them (the
  // plan's), instead of into the result, so that a result of any size takes the memory of one
  // batch: the next one is read only when `on_batch` returns. An error from `on_batch` ends
  // Execute with that error: the stream is cancelled and the operation released, which stops it.
  using BatchConsumer = std::function<Status(std::string&& arrow_batch)>;
  Result<ExecuteResult> Execute(const proto::Plan& plan, const BatchConsumer& on_batch = {});
  // `deadline` bounds the call; zero means none.
  Result<proto::AnalyzePlanResponse> Analyze(proto::AnalyzePlanRequest request,
                                             std::chrono::milliseconds deadline = {});
  Status Config(const proto::ConfigRequest::Operation& operation);
  // Stops the heartbeat, then releases the session on the server.
  Status ReleaseSession();

  void SetProgressHandler(std::function<void(const ExecutionProgress&)> handler) {
    progress_handler_ = std::move(handler);
  }
  void SetReattachTimeout(std::chrono::milliseconds timeout) { reattach_timeout_ = timeout; }
  // See SessionOptions::server_gone.
  void SetServerGone(std::function<std::optional<std::string>()> check) { server_gone_ = std::move(check); }
  const ConnectionString& endpoint() const { return endpoint_; }
  const std::string& session_id() const { return session_id_; }

 private:
  // The response stream of one operation, reattached when it breaks (defined in client.cc).
  class ReattachableExecution;

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
  // The heartbeat thread's body: a cheap request every kHeartbeatInterval, so that the server's
  // session timeout (spark.connect.session.manager.defaultSessionTimeout) ends only the sessions of
  // clients that died, and with them their operations; and on a terminating signal (SIGINT,
  // SIGTERM, SIGHUP, abort), StopOperationsOnSignal (ARCHITECTURE.md, "Reattachable execution").
  void Heartbeat();
  // The heartbeat thread's answer to a terminating signal: Spark Connect's Interrupt of every
  // operation of the session, then the release of the session, each bounded; then the byte on
  // done_pipe_ that lets the signal go on.
  void StopOperationsOnSignal();
  void StopHeartbeat();
  // Sets the fields that never change after construction, the only ones the heartbeat thread reads.
  template <typename Request>
  void FillConstantHeader(Request& request) const;

  ConnectionString endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<proto::SparkConnectService::Stub> stub_;
  std::string session_id_;
  std::string user_id_;
  std::string client_type_;
  std::string server_side_session_id_;
  std::function<void(const ExecutionProgress&)> progress_handler_;
  std::chrono::milliseconds reattach_timeout_ = std::chrono::seconds(60);
  std::function<std::optional<std::string>()> server_gone_;

  // The heartbeat thread sleeps in poll() on wake_pipe_: a byte there is a stop (heartbeat_stopping_)
  // or, from the signal handler, a signal; it answers a signal on done_pipe_ once the session is
  // released.
  int wake_pipe_[2] = {-1, -1};
  int done_pipe_[2] = {-1, -1};
  std::mutex heartbeat_mutex_;
  bool heartbeat_stopping_ = false;                  // guarded by heartbeat_mutex_
  grpc::ClientContext* heartbeat_call_ = nullptr;  // guarded by heartbeat_mutex_; the beat in flight
  std::thread heartbeat_;                          // started once the rest is built
  CleanupRegistration on_signal_;
};

}  // namespace sicoop::spark
