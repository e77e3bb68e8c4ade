// One HTTP exchange through libcurl, for the S3 client and STS: timeouts so that nothing hangs,
// optional AWS Signature V4 signing by libcurl, the body streamed to a sink on success.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sicoop::storage {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string_view body;             // sent for PUT and POST
  // Receives a successful (2xx) answer's body as it arrives; false stops the transfer. Without it
  // the body is kept in HttpResponse::body. An error answer's body is always kept there.
  std::function<bool(std::string_view)> sink;
  // AWS Signature V4 by libcurl: "aws:amz:REGION:SERVICE" and "ACCESS_KEY:SECRET"; empty: unsigned.
  std::string sigv4;
  std::string user_password;
};

struct HttpResponse {
  long status = 0;                             // 0 when no answer came
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string transport_error;  // libcurl's reason when no complete answer came, else empty
  bool unreachable = false;     // nothing answered: refused, unresolved, or timed out
  bool sink_stopped = false;
  int64_t delivered = 0;        // bytes handed to the sink
};

// Owns a libcurl handle, so that consecutive requests reuse the connection. One thread at a time.
class HttpSession {
 public:
  HttpSession();
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  HttpResponse Perform(const HttpRequest& request);

 private:
  void* curl_;
};

}  // namespace sicoop::storage
