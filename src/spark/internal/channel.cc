#include "spark/internal/channel.h"

#include <cctype>

namespace sicoop::spark {

// Spark sends Arrow batches of up to spark.connect.grpc.arrow.maxBatchSize (4 MiB by default) plus
// framing, and a server may raise that limit: gRPC's 4 MiB default would reject them.
constexpr int kMaxMessageBytes = 128 * 1024 * 1024;

std::shared_ptr<grpc::Channel> OpenChannel(const ConnectionString& endpoint) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      endpoint.use_ssl ? grpc::SslCredentials(grpc::SslCredentialsOptions())
                       : grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(endpoint.Target(), credentials, arguments);
}

void AddCallMetadata(const ConnectionString& endpoint, grpc::ClientContext& context) {
  if (!endpoint.token.empty()) context.AddMetadata("authorization", "Bearer " + endpoint.token);
  for (const auto& [key, value] : endpoint.params) {
    // gRPC only accepts lower-case metadata keys; HTTP/2 header names are case-insensitive anyway.
    std::string lower = key;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    context.AddMetadata(lower, value);
  }
}

}  // namespace sicoop::spark
