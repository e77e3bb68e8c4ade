// A plain HTTP GET to a server of a test's own on 127.0.0.1 (Spark's web UI and its REST API).
#pragma once

#include <string>

namespace sicoop::testing {

struct HttpResponse {
  int status = 0;
  std::string location;  // the Location header of a redirect
  std::string body;
};

// GET http://127.0.0.1:port/path over HTTP/1.0 (one response, then the server closes: no chunks).
// Status 0 when no answer came within the socket timeout (30 s).
HttpResponse HttpGet(int port, const std::string& path);

}  // namespace sicoop::testing
