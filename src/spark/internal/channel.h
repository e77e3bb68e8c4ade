// The gRPC side of a Spark Connect endpoint: the channel (plain or TLS) and the per-call metadata
// (bearer token, extra connection-string parameters). Internal to src/spark.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "spark/connection_string.h"

namespace sicoop::spark {

// A channel to `endpoint`. It connects lazily; nothing is sent until the first call.
std::shared_ptr<grpc::Channel> OpenChannel(const ConnectionString& endpoint);

// Waits, for `timeout` at most, until a channel to `endpoint` has done its handshake (TCP, TLS when
// use_ssl, HTTP/2's settings): what a Spark Connect server does in milliseconds. Fails as soon as
// the channel does (a closed port, a listener that answers something other than HTTP/2, a refused
// TLS handshake), so a wrong endpoint is known in seconds, with a message that names it and says
// what was found there: no such host, nothing listening, no answer, or not a gRPC server.
Status AwaitHandshake(const ConnectionString& endpoint, std::chrono::milliseconds timeout);

// Adds what every call to `endpoint` carries: "authorization: Bearer TOKEN" when there is a token,
// and the connection string's extra parameters.
void AddCallMetadata(const ConnectionString& endpoint, grpc::ClientContext& context);

}  // namespace sicoop::spark
