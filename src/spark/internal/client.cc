#include "spark/internal/client.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "spark/internal/channel.h"
#include "spark/internal/errors.h"
#include "spark/internal/uuid.h"

namespace sicoop::spark {
namespace {

// Bounds the calls that only talk to the driver (they never wait for a job).
constexpr std::chrono::seconds kControlCallDeadline(60);
// Bounds the calls that only do bookkeeping (error details, session release).
constexpr std::chrono::seconds kQuickCallDeadline(10);

std::string UserId(const ConnectionString& endpoint, const std::string& user_name) {
  if (!endpoint.user_id.empty()) return endpoint.user_id;
  if (!user_name.empty()) return user_name;
  if (const char* login = getlogin(); login != nullptr) return login;
  return "sicoop";
}

// The back-off of Spark's own clients (PySpark's retries.DefaultPolicy, the Scala client's
// RetryPolicy): 50 ms, then four times longer each time, plus up to 500 ms of random jitter on waits
// of 2 s or more so that clients cut off together do not come back in lockstep. Spark caps a wait at
// 60 s and stops after 15 retries (over 10 minutes); sicoop caps a wait at 10 s and stops at the
// session's reattach timeout (60 s unless set), well inside the server's
// spark.connect.execute.manager.detachedTimeout (5 min by default), after which there would be
// nothing left to reattach to.
constexpr std::chrono::milliseconds kFirstRetryWait(50);
constexpr int kRetryWaitGrowth = 4;
constexpr std::chrono::milliseconds kLongestRetryWait(10'000);
constexpr std::chrono::milliseconds kJitterFrom(2'000);
constexpr int kMaxJitterMs = 500;
// Bounds a ReleaseExecute and a heartbeat: they only free buffers (or, with release_all, stop the
// operation) and keep the session alive, the server frees an abandoned operation on its own, and an
// unreachable server must not hold sicoop's exit up.
constexpr std::chrono::seconds kShortCallDeadline(2);
// A third of the shortest session timeout sicoop sets (30 s, on the servers it starts), so that two
// beats may be lost before a live session expires.
constexpr std::chrono::seconds kHeartbeatInterval(10);
// On a terminating signal: how long the Interrupt of the session's operations and the release of the
// session may each take, and how long the signal waits for both before the process ends (and before
// the run's staging folder is removed, common/cleanup.h). Spark answers the release once the
// interrupted operations have ended, their writes aborted; but the handler may have interrupted the
// very thread that gRPC counts on to read answers (one blocked in a stream's Read), and then the
// requests leave while their answers go unread until the deadlines, which give Spark that time.
constexpr std::chrono::seconds kSignalInterruptDeadline(2);
constexpr std::chrono::seconds kSignalReleaseDeadline(3);
constexpr int kSignalWaitMs = 5500;

// What Spark's clients retry: a connection that broke or could not be made, and a stream the server
// closed because a newer reattach of the same operation took it over.
bool IsRetryable(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) return true;
  return status.error_code() == grpc::StatusCode::INTERNAL &&
         status.error_message().find("INVALID_CURSOR.DISCONNECTED") != std::string::npos;
}

// The server has no such operation: when nothing came back yet, the ExecutePlan never reached it.
bool IsOperationNotFound(const grpc::Status& status) {
  return status.error_message().find("INVALID_HANDLE.OPERATION_NOT_FOUND") != std::string::npos;
}

std::string Seconds(std::chrono::milliseconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + " s";
}

ExecutionProgress ToExecutionProgress(const proto::ExecutePlanResponse::ExecutionProgress& from) {
  ExecutionProgress progress;
  progress.num_inflight_tasks = from.num_inflight_tasks();
  for (const auto& stage : from.stages()) {
    progress.stages.push_back({stage.stage_id(), stage.num_tasks(), stage.num_completed_tasks(),
                               stage.input_bytes_read(), stage.done()});
  }
  return progress;
}

}  // namespace

Result<std::unique_ptr<SparkConnectClient>> SparkConnectClient::Connect(
    const ConnectionString& endpoint, std::chrono::milliseconds timeout, const std::string& user_name) {
  auto channel = OpenChannel(endpoint);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    return Status::Failure(
        "cannot reach Spark Connect at " + endpoint.Redacted() + " within " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
        " s: check that the server is running and that host, port and use_ssl are right (for a "
        "local server: 'sicoop spark start', or leave --spark out and sicoop starts one)");
  }
  return std::unique_ptr<SparkConnectClient>(
      new SparkConnectClient(endpoint, std::move(channel), UserId(endpoint, user_name)));
}

SparkConnectClient::SparkConnectClient(ConnectionString endpoint, std::shared_ptr<grpc::Channel> channel,
                                       std::string user_id)
    : endpoint_(std::move(endpoint)),
      channel_(std::move(channel)),
      stub_(proto::SparkConnectService::NewStub(channel_)),
      session_id_(endpoint_.session_id.empty() ? NewUuid() : endpoint_.session_id),
      user_id_(std::move(user_id)),
      client_type_((endpoint_.user_agent.empty() ? "sicoop" : endpoint_.user_agent) +
                   "/" SICOOP_VERSION) {
  if (pipe2(wake_pipe_, O_CLOEXEC) == 0 && pipe2(done_pipe_, O_CLOEXEC) == 0) {
    // The thread starts with the terminating signals blocked: their handler runs on another thread
    // and waits for this one.
    sigset_t terminating;
    sigset_t previous;
    sigemptyset(&terminating);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGABRT}) sigaddset(&terminating, signal_number);
    pthread_sigmask(SIG_BLOCK, &terminating, &previous);
    heartbeat_ = std::thread([this] { Heartbeat(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    on_signal_ = CleanupRegistration::AskAndWait(wake_pipe_[1], done_pipe_[0], kSignalWaitMs);
  }
}

SparkConnectClient::~SparkConnectClient() {
  StopHeartbeat();
  for (int fd : {wake_pipe_[0], wake_pipe_[1], done_pipe_[0], done_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
}

template <typename Request>
void SparkConnectClient::FillConstantHeader(Request& request) const {
  request.set_session_id(session_id_);
  request.mutable_user_context()->set_user_id(user_id_);
  request.set_client_type(client_type_);
}

void SparkConnectClient::Heartbeat() {
  while (true) {
    pollfd wake{wake_pipe_[0], POLLIN, 0};
    int ready = poll(&wake, 1, static_cast<int>(std::chrono::milliseconds(kHeartbeatInterval).count()));
    std::unique_lock lock(heartbeat_mutex_);
    if (heartbeat_stopping_) return;
    if (ready > 0) {
      lock.unlock();
      StopOperationsOnSignal();
      return;
    }
    auto context = NewContext(kShortCallDeadline);
    heartbeat_call_ = context.get();
    lock.unlock();
    proto::AnalyzePlanRequest request;
    FillConstantHeader(request);
    request.mutable_spark_version();
    proto::AnalyzePlanResponse response;
    (void)stub_->AnalyzePlan(context.get(), request, &response);  // a missed beat is made up by the next
    lock.lock();
    heartbeat_call_ = nullptr;
  }
}

void SparkConnectClient::StopOperationsOnSignal() {
  // Every operation of the session, so that a job stops at once (Ctrl-C of a run on a warm server)
  // even where the release below fails or its server keeps operations past a session's end.
  proto::InterruptRequest interrupt;
  FillConstantHeader(interrupt);
  interrupt.set_interrupt_type(proto::InterruptRequest::INTERRUPT_TYPE_ALL);
  proto::InterruptResponse interrupted;
  auto interrupt_context = NewContext(kSignalInterruptDeadline);
  (void)stub_->Interrupt(interrupt_context.get(), interrupt, &interrupted);
  // Then the session, which Spark answers once its operations have ended.
  proto::ReleaseSessionRequest release;
  FillConstantHeader(release);
  proto::ReleaseSessionResponse released;
  auto release_context = NewContext(kSignalReleaseDeadline);
  (void)stub_->ReleaseSession(release_context.get(), release, &released);
  (void)!write(done_pipe_[1], "!", 1);
}

void SparkConnectClient::StopHeartbeat() {
  on_signal_.Release();
  {
    std::lock_guard lock(heartbeat_mutex_);
    heartbeat_stopping_ = true;
    if (heartbeat_call_ != nullptr) heartbeat_call_->TryCancel();
  }
  if (wake_pipe_[1] >= 0) (void)!write(wake_pipe_[1], "!", 1);
  if (heartbeat_.joinable()) heartbeat_.join();
}

template <typename Request>
void SparkConnectClient::FillHeader(Request& request) const {
  FillConstantHeader(request);
  if constexpr (requires { request.set_client_observed_server_side_session_id(""); }) {
    if (!server_side_session_id_.empty()) {
      request.set_client_observed_server_side_session_id(server_side_session_id_);
    }
  }
}

std::unique_ptr<grpc::ClientContext> SparkConnectClient::NewContext(std::chrono::milliseconds deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  AddCallMetadata(endpoint_, *context);
  if (deadline.count() > 0) context->set_deadline(std::chrono::system_clock::now() + deadline);
  return context;
}

void SparkConnectClient::ObserveServerSession(const std::string& server_side_session_id) {
  if (server_side_session_id_.empty()) server_side_session_id_ = server_side_session_id;
}

Status SparkConnectClient::ErrorOf(const grpc::Status& status) {
  auto fetch = [this](const std::string& error_id) -> std::optional<proto::FetchErrorDetailsResponse> {
    proto::FetchErrorDetailsRequest request;
    FillHeader(request);
    request.set_error_id(error_id);
    proto::FetchErrorDetailsResponse response;
    auto context = NewContext(kQuickCallDeadline);
    if (!stub_->FetchErrorDetails(context.get(), request, &response).ok()) return std::nullopt;
    return response;
  };
  Status error = SparkErrorStatus(status, fetch);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return error.WithContext("lost the connection to Spark Connect at " + endpoint_.Redacted());
  }
  return error;
}

void SparkConnectClient::ReportProgress(const proto::ExecutePlanResponse::ExecutionProgress& progress) const {
  if (progress_handler_) progress_handler_(ToExecutionProgress(progress));
}

// One reattachable operation's responses, as Spark's ExecutePlanResponseReattachableIterator reads
// them: the ExecutePlan stream first; when it breaks (UNAVAILABLE) a ReattachExecute that resumes
// after the last response seen, with back-off, until the reattach timeout; when it ends without
// ResultComplete (the server closes a stream after 2 minutes or 1 GiB) a ReattachExecute at once.
// Responses read are released as it goes (ReleaseExecute release_until, one call in flight at a
// time, each covering all responses before it), and the whole operation at the end or on failure
// (release_all, which also stops it if it still runs).
class SparkConnectClient::ReattachableExecution {
 public:
  ReattachableExecution(SparkConnectClient& client, proto::ExecutePlanRequest request)
      : client_(client), request_(std::move(request)) {}
  ~ReattachableExecution() {
    if (stream_) {  // left before the end: this stream is not needed any more
      context_->TryCancel();
      (void)stream_->Finish();
    }
    if (plan_sent_ && !released_) ReleaseAll();
    std::unique_lock lock(release_mutex_);
    release_done_.wait(lock, [this] { return !release_in_flight_; });
  }
  ReattachableExecution(const ReattachableExecution&) = delete;
  ReattachableExecution& operator=(const ReattachableExecution&) = delete;

  // Fills `response` with the next response and returns true; false after the last one. A Failure
  // when the operation failed, or when its stream could not be reattached within the timeout.
  Result<bool> Next(proto::ExecutePlanResponse& response) {
    if (complete_) return false;
    // Set when the stream broke; cleared by the next response that arrives.
    std::optional<std::chrono::steady_clock::time_point> give_up_at;
    std::chrono::milliseconds wait = kFirstRetryWait;
    int attempts = 0;
    while (true) {
      if (!stream_) Open();
      if (stream_->Read(&response)) {
        client_.ObserveServerSession(response.server_side_session_id());
        last_response_id_ = response.response_id();
        if (response.has_result_complete()) {
          complete_ = true;
          // ResultComplete is the last response: the stream's end and the release follow.
          proto::ExecutePlanResponse after_the_end;
          while (stream_->Read(&after_the_end)) {
          }
          (void)stream_->Finish();
          stream_.reset();
          ReleaseAll();
        } else {
          ReleaseUntil(last_response_id_);
        }
        return true;
      }
      grpc::Status status = stream_->Finish();
      stream_.reset();
      context_.reset();
      if (status.ok()) {
        // An end without ResultComplete: there is more, on a reattached stream.
        give_up_at.reset();
        wait = kFirstRetryWait;
        continue;
      }
      if (IsOperationNotFound(status) && last_response_id_.empty() && plan_sent_) {
        plan_sent_ = false;  // the plan never reached the server: send it again, after the back-off
      } else if (!IsRetryable(status)) {
        Status error = client_.ErrorOf(status);
        ReleaseAll();
        return error;
      }
      auto now = std::chrono::steady_clock::now();
      if (!give_up_at) give_up_at = now + client_.reattach_timeout_;
      if (std::optional<std::string> gone = client_.server_gone_ ? client_.server_gone_() : std::nullopt) {
        ReleaseAll();
        return Status::Failure("lost the connection to Spark Connect at " + client_.endpoint_.Redacted() +
                                   " during an operation: " + *gone + "; run again",
                               Status::Reason::kUnreachable);
      }
      if (now >= *give_up_at) {
        ReleaseAll();
        return Status::Failure(
            "lost the connection to Spark Connect at " + client_.endpoint_.Redacted() +
                " during an operation and could not reattach to it within " + Seconds(client_.reattach_timeout_) +
                " (" + std::to_string(attempts) + " attempts; last error: " + status.error_message() +
                "); the operation is abandoned and the server stops it. Check that the server runs and is "
                "reachable from here, then run again",
            Status::Reason::kUnreachable);
      }
      std::chrono::milliseconds this_wait = wait;
      if (this_wait >= kJitterFrom) this_wait += std::chrono::milliseconds(Jitter());
      wait = std::min(wait * kRetryWaitGrowth, kLongestRetryWait);
      // The last attempt comes at the timeout itself.
      this_wait = std::min(this_wait, std::chrono::duration_cast<std::chrono::milliseconds>(*give_up_at - now));
      // While the connection is down gRPC reconnects with a back-off of its own (1 s, then 1.6
      // times longer each time); waking up as soon as it is up again resumes the stream without
      // sleeping out the rest of the wait. A connection that is up gets the plain wait.
      if (client_.channel_->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) {
        std::this_thread::sleep_for(this_wait);
      } else {
        client_.channel_->WaitForConnected(std::chrono::system_clock::now() + this_wait);
      }
      ++attempts;
    }
  }

 private:
  // Sends the plan the first time (and again when it never arrived), reattaches after that.
  void Open() {
    context_ = client_.NewContext();
    if (!plan_sent_) {
      plan_sent_ = true;
      stream_ = client_.stub_->ExecutePlan(context_.get(), request_);
      return;
    }
    proto::ReattachExecuteRequest reattach;
    client_.FillHeader(reattach);
    reattach.set_operation_id(request_.operation_id());
    if (!last_response_id_.empty()) reattach.set_last_response_id(last_response_id_);
    stream_ = client_.stub_->ReattachExecute(context_.get(), reattach);
  }

  proto::ReleaseExecuteRequest ReleaseRequest() const {
    proto::ReleaseExecuteRequest request;
    client_.FillHeader(request);
    request.set_operation_id(request_.operation_id());
    return request;
  }

  // Lets the server drop the responses up to `response_id`. Asynchronous, so that reading does not
  // wait a round trip per response; skipped while one is in flight, since the next covers this one.
  void ReleaseUntil(const std::string& response_id) {
    std::lock_guard lock(release_mutex_);
    if (release_in_flight_) return;
    release_in_flight_ = true;
    release_context_ = client_.NewContext(kShortCallDeadline);
    release_request_ = ReleaseRequest();
    release_request_.mutable_release_until()->set_response_id(response_id);
    client_.stub_->async()->ReleaseExecute(release_context_.get(), &release_request_, &release_response_,
                                           [this](grpc::Status) {
                                             std::lock_guard done_lock(release_mutex_);
                                             release_in_flight_ = false;
                                             release_done_.notify_all();
                                           });
  }

  // Ends the operation on the server: frees what it kept for a reattach and stops it if it still
  // runs. Best effort: a server that cannot be reached removes the operation itself, once it has had
  // no stream attached for spark.connect.execute.manager.detachedTimeout or once its session expired.
  void ReleaseAll() {
    released_ = true;
    proto::ReleaseExecuteRequest request = ReleaseRequest();
    request.mutable_release_all();
    proto::ReleaseExecuteResponse response;
    auto context = client_.NewContext(kShortCallDeadline);
    (void)client_.stub_->ReleaseExecute(context.get(), request, &response);
  }

  static int Jitter() {
    static thread_local std::mt19937 generator{std::random_device{}()};
    return std::uniform_int_distribution<int>(0, kMaxJitterMs)(generator);
  }

  SparkConnectClient& client_;
  const proto::ExecutePlanRequest request_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<proto::ExecutePlanResponse>> stream_;
  bool plan_sent_ = false;
  std::string last_response_id_;
  bool complete_ = false;  // ResultComplete arrived
  bool released_ = false;  // release_all sent

  std::mutex release_mutex_;
  std::condition_variable release_done_;
  bool release_in_flight_ = false;
  std::unique_ptr<grpc::ClientContext> release_context_;
  proto::ReleaseExecuteRequest release_request_;
  proto::ReleaseExecuteResponse release_response_;
};

Result<ExecuteResult> SparkConnectClient::Execute(const proto::Plan& plan, const BatchConsumer& on_batch) {
  proto::ExecutePlanRequest request;
  FillHeader(request);
  request.set_operation_id(NewUuid());
  *request.mutable_plan() = plan;
  // Reattachable, so that a dropped connection does not lose a long job. The operations of a client
  // that died are stopped by the server when its session expires, which the heartbeat of a live
  // client prevents (ARCHITECTURE.md, "Reattachable execution").
  request.add_request_options()->mutable_reattach_options()->set_reattachable(true);

  ReattachableExecution execution(*this, std::move(request));
  ExecuteResult result;
  proto::ExecutePlanResponse response;
  while (true) {
    SICOOP_ASSIGN_OR_RETURN(bool more, execution.Next(response));
    if (!more) break;
    if (response.has_schema() && response.schema().has_struct_()) {
      result.column_names.clear();
      for (const auto& field : response.schema().struct_().fields()) result.column_names.push_back(field.name());
    }
    switch (response.response_type_case()) {
      case proto::ExecutePlanResponse::kArrowBatch:
        if (on_batch) {
          // Leaving here destroys `execution`, which cancels the stream and releases the operation.
          SICOOP_RETURN_IF_ERROR(on_batch(std::move(*response.mutable_arrow_batch()->mutable_data())));
        } else {
          result.arrow_batches.push_back(std::move(*response.mutable_arrow_batch()->mutable_data()));
        }
        break;
      case proto::ExecutePlanResponse::kExecutionProgress:
        ReportProgress(response.execution_progress());
        break;
      default:
        // Metrics and command results carry nothing sicoop uses; ResultComplete is the reattachable
        // execution's own business.
        break;
    }
    // Not part of the response type: a command's observed metrics come in a response of their own.
    for (const auto& metrics : response.observed_metrics()) result.observed_metrics.push_back(metrics);
  }
  return result;
}

Result<proto::AnalyzePlanResponse> SparkConnectClient::Analyze(proto::AnalyzePlanRequest request,
                                                               std::chrono::milliseconds deadline) {
  FillHeader(request);
  proto::AnalyzePlanResponse response;
  auto context = NewContext(deadline.count() > 0 ? deadline : kControlCallDeadline);
  grpc::Status status = stub_->AnalyzePlan(context.get(), request, &response);
  if (!status.ok()) return ErrorOf(status);
  ObserveServerSession(response.server_side_session_id());
  return response;
}

Status SparkConnectClient::Config(const proto::ConfigRequest::Operation& operation) {
  proto::ConfigRequest request;
  FillHeader(request);
  *request.mutable_operation() = operation;
  proto::ConfigResponse response;
  auto context = NewContext(kControlCallDeadline);
  grpc::Status status = stub_->Config(context.get(), request, &response);
  if (!status.ok()) return ErrorOf(status);
  ObserveServerSession(response.server_side_session_id());
  return Status::Ok();
}

Status SparkConnectClient::ReleaseSession() {
  StopHeartbeat();  // the session ends here
  proto::ReleaseSessionRequest request;
  FillHeader(request);
  proto::ReleaseSessionResponse response;
  auto context = NewContext(kQuickCallDeadline);
  grpc::Status status = stub_->ReleaseSession(context.get(), request, &response);
  if (!status.ok()) return ErrorOf(status).WithContext("releasing the Spark session");
  return Status::Ok();
}

}  // namespace sicoop::spark
