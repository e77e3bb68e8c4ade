// Spark's errors, made readable. A failed Spark Connect call carries a gRPC status whose details
// hold a google.rpc.ErrorInfo (the exception class, the error class, and an errorId the server can
// expand with FetchErrorDetails). These functions turn that into one Status message such as
//   "Spark: [TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. ..."
// Internal to src/spark.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "spark/connect/base.pb.h"

namespace sicoop::spark {

// Asks the server for the details of an error id; nullopt when it cannot.
using ErrorDetailsFetcher =
    std::function<std::optional<::spark::connect::FetchErrorDetailsResponse>(const std::string& error_id)>;

// A Failure for a failed call, with the best message available: the fetched details, else the
// ErrorInfo, else the gRPC status itself.
Status SparkErrorStatus(const grpc::Status& status, const ErrorDetailsFetcher& fetch_details);

// The readable head of a Spark error message: its first lines, up to where Spark appends the
// query plan, the query context or a stack trace.
std::string MessageHead(const std::string& message);

}  // namespace sicoop::spark
