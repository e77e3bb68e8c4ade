#include "spark/internal/errors.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace sicoop::spark {
namespace {

constexpr int kMaxHeadLines = 6;
constexpr int kMaxCauses = 3;

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    default: return "gRPC error";
  }
}

std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.Is<google::rpc::ErrorInfo>() && any.UnpackTo(&info)) return info;
  }
  return std::nullopt;
}

std::string SimpleClassName(const std::string& qualified) {
  size_t dot = qualified.rfind('.');
  return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}

// "[ERROR_CLASS] message" for Spark's own errors (whose messages usually carry the class already),
// "ExceptionClass: message" for others (a JDBC driver's, say).
std::string Describe(const std::string& message, const std::string& error_class,
                     const std::string& exception_class) {
  std::string head = MessageHead(message);
  if (head.starts_with("[")) return head;
  if (!error_class.empty()) return "[" + error_class + "] " + head;
  if (!exception_class.empty()) return SimpleClassName(exception_class) + ": " + head;
  return head;
}

std::string DescribeError(const ::spark::connect::FetchErrorDetailsResponse::Error& error) {
  std::string error_class = error.has_spark_throwable() ? error.spark_throwable().error_class() : "";
  std::string exception_class = error.error_type_hierarchy().empty() ? "" : error.error_type_hierarchy(0);
  return Describe(error.message(), error_class, exception_class);
}

// The root error, then the causes that add something (a JDBC failure's root is often a generic
// wrapper whose cause says what really happened).
std::string DescribeErrors(const ::spark::connect::FetchErrorDetailsResponse& details) {
  const auto& errors = details.errors();
  int index = details.root_error_idx();
  std::string text = DescribeError(errors[index]);
  for (int depth = 0; depth < kMaxCauses && errors[index].has_cause_idx(); ++depth) {
    index = errors[index].cause_idx();
    if (index < 0 || index >= errors.size()) break;
    std::string message = MessageHead(errors[index].message());
    if (text.find(message.substr(0, message.find('\n'))) != std::string::npos) continue;
    std::string cause = DescribeError(errors[index]);
    text += "\n  caused by: " + cause.substr(0, cause.find('\n'));
  }
  return text;
}

std::string ErrorIdOf(const grpc::Status& status) {
  auto info = ErrorInfoOf(status);
  if (!info) return "";
  auto it = info->metadata().find("errorId");
  return it == info->metadata().end() ? "" : it->second;
}

}  // namespace

std::string MessageHead(const std::string& message) {
  std::string head;
  int lines = 0;
  size_t start = 0;
  while (start < message.size() && lines < kMaxHeadLines) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    std::string line = message.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
    // Spark appends the analysed plan ("'Project [*]", "+- ..."), the query context ("== SQL ==")
    // and stack frames ("\tat ...") after the message proper.
    size_t indent = line.find_first_not_of(" \t");
    std::string_view body = indent == std::string::npos ? "" : std::string_view(line).substr(indent);
    if (body.empty() || body.starts_with("'") || body.starts_with("+-") || body.starts_with(":-") ||
        body.starts_with("==") || body.starts_with("at ")) {
      if (lines > 0) break;
      continue;
    }
    head += (lines > 0 ? "\n" : "") + line;
    ++lines;
  }
  return head;
}

Status SparkErrorStatus(const grpc::Status& status, const ErrorDetailsFetcher& fetch_details) {
  auto info = ErrorInfoOf(status);
  if (!info) {
    // What refuses a missing or wrong token is often a gateway in front of Spark (a TLS proxy, an
    // ingress), whose words say nothing of the URL.
    const std::string hint = status.error_code() == grpc::StatusCode::UNAUTHENTICATED
                                 ? " — the server refused the credentials: check the token= of the Spark Connect URL"
                                 : "";
    return Status::Failure(std::string("Spark Connect call failed (") + CodeName(status.error_code()) +
                           "): " + MessageHead(status.error_message()) + hint);
  }
  std::string error_id = ErrorIdOf(status);
  if (!error_id.empty() && fetch_details) {
    auto details = fetch_details(error_id);
    if (details && details->has_root_error_idx() && details->root_error_idx() >= 0 &&
        details->root_error_idx() < details->errors_size()) {
      return Status::Failure("Spark: " + DescribeErrors(*details));
    }
  }
  const auto& metadata = info->metadata();
  auto error_class = metadata.find("errorClass");
  return Status::Failure("Spark: " + Describe(status.error_message(),
                                              error_class == metadata.end() ? "" : error_class->second,
                                              info->reason()));
}

}  // namespace sicoop::spark
