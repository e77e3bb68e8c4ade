// The gRPC side of a Spark Connect endpoint: the channel (plain or TLS) and the per-call metadata
// (bearer token, extra connection-string parameters). Internal to src/spark.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "spark/connection_string.h"

namespace sicoop::spark {

// A channel to `endpoint`. It connects lazily; nothing is sent until the first call.
std::shared_ptr<grpc::Channel> OpenChannel(const ConnectionString& endpoint);

// Adds what every call to `endpoint` carries: "authorization: Bearer TOKEN" when there is a token,
// and the connection string's extra parameters.
void AddCallMetadata(const ConnectionString& endpoint, grpc::ClientContext& context);

}  // namespace sicoop::spark
