#include "storage/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sicoop::storage {
namespace {

// A connection must be made within this time, and a transfer that moves less than a byte a second
// for kStallSeconds is given up: S3 sends keep-alive whitespace while it copies or completes, so
// only a dead server or network stalls that long.
constexpr long kConnectSeconds = 10;
constexpr long kStallSeconds = 120;

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
  CURL* curl;
  size_t sent = 0;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  long status = 0;
  curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
  if (transfer->request->sink && status >= 200 && status < 300) {
    if (!transfer->request->sink(std::string_view(data, bytes))) {
      transfer->response->sink_stopped = true;
      return 0;
    }
    transfer->response->delivered += static_cast<int64_t>(bytes);
  } else {
    transfer->response->body.append(data, bytes);
  }
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A new status line (after a redirect or 100 Continue) starts a new set of headers.
  if (line.starts_with("HTTP/")) transfer->response->headers.clear();
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    transfer->response->headers[name] = std::string(value);
  }
  return bytes;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view rest = transfer->request->body.substr(transfer->sent);
  size_t bytes = std::min(rest.size(), size * count);
  std::memcpy(buffer, rest.data(), bytes);
  transfer->sent += bytes;
  return bytes;
}

}  // namespace

HttpSession::HttpSession() : curl_(curl_easy_init()) {}

HttpSession::~HttpSession() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpSession::Perform(const HttpRequest& request) {
  auto* curl = static_cast<CURL*>(curl_);
  HttpResponse response;
  if (curl == nullptr) {
    response.transport_error = "libcurl could not be initialised";
    return response;
  }
  curl_easy_reset(curl);
  Transfer transfer{&request, &response, curl};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, kConnectSeconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  // libcurl announces a body over 1 MiB with "Expect: 100-continue": it is sent at once instead of
  // after up to a second's wait for a server that does not answer that. The header is not removed
  // ("Expect:"): libcurl 7.88's signer would sign the removed header as empty, which MinIO, reading
  // a signed "expect" as 100-continue, refuses.
  curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
  curl_slist* headers = nullptr;
  for (const std::string& header : request.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!request.sigv4.empty()) {
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, request.sigv4.c_str());
    curl_easy_setopt(curl, CURLOPT_USERPWD, request.user_password.c_str());
  }
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  if (code != CURLE_OK && !response.sink_stopped) {
    response.transport_error = curl_easy_strerror(code);
    response.unreachable = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                           code == CURLE_OPERATION_TIMEDOUT;
    if (response.status != 0 && code != CURLE_OPERATION_TIMEDOUT) response.transport_error += " (mid-answer)";
  }
  return response;
}

}  // namespace sicoop::storage
