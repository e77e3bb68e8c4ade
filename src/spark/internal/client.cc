#include "spark/internal/client.h"

#include <unistd.h>

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
                   "/" SICOOP_VERSION) {}

template <typename Request>
void SparkConnectClient::FillHeader(Request& request) const {
  request.set_session_id(session_id_);
  request.mutable_user_context()->set_user_id(user_id_);
  request.set_client_type(client_type_);
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

Result<ExecuteResult> SparkConnectClient::Execute(const proto::Plan& plan) {
  proto::ExecutePlanRequest request;
  FillHeader(request);
  request.set_operation_id(NewUuid());
  *request.mutable_plan() = plan;
  // Not reattachable: sicoop holds the stream for the whole run, and a plain stream lets the
  // server interrupt the job as soon as the client goes away.
  request.add_request_options()->mutable_reattach_options()->set_reattachable(false);

  auto context = NewContext();
  auto stream = stub_->ExecutePlan(context.get(), request);
  ExecuteResult result;
  proto::ExecutePlanResponse response;
  while (stream->Read(&response)) {
    ObserveServerSession(response.server_side_session_id());
    if (response.has_schema() && response.schema().has_struct_()) {
      result.column_names.clear();
      for (const auto& field : response.schema().struct_().fields()) result.column_names.push_back(field.name());
    }
    switch (response.response_type_case()) {
      case proto::ExecutePlanResponse::kArrowBatch:
        result.arrow_batches.push_back(std::move(*response.mutable_arrow_batch()->mutable_data()));
        break;
      case proto::ExecutePlanResponse::kExecutionProgress:
        ReportProgress(response.execution_progress());
        break;
      default:
        // Metrics, observed metrics and command results carry nothing sicoop uses. ResultComplete
        // only matters to reattachable executions: here the stream's OK end is the completion.
        break;
    }
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return ErrorOf(status);
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
  proto::ReleaseSessionRequest request;
  FillHeader(request);
  proto::ReleaseSessionResponse response;
  auto context = NewContext(kQuickCallDeadline);
  grpc::Status status = stub_->ReleaseSession(context.get(), request, &response);
  if (!status.ok()) return ErrorOf(status).WithContext("releasing the Spark session");
  return Status::Ok();
}

}  // namespace sicoop::spark
