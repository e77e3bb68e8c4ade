// The Spark Connect connection string, as Spark documents it
// (connector/connect/docs/client-connection-string.md):
//
//   sc://HOST[:PORT][/;PARAM=VALUE;PARAM=VALUE...]
//
// PORT defaults to 15002. Known parameters: token (a bearer token; it implies TLS), use_ssl
// (true|false), user_id, user_agent, session_id (a UUID). Any other parameter is kept in `params`
// and sent as gRPC metadata with every call, as Spark's own clients do. Parameter names are case
// sensitive; the path must be empty.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sicoop::spark {

struct ConnectionString {
  std::string host;
  int port = 15002;
  std::string token;       // empty: no authentication header
  bool use_ssl = false;    // always true when a token is given
  bool use_ssl_implied = false;  // true when only the token turned TLS on (no use_ssl given)
  std::string user_id;     // empty: the user running sicoop
  std::string user_agent;  // empty: "sicoop"
  std::string session_id;  // empty: a new random UUID per session
  std::map<std::string, std::string> params;  // other parameters, sent as gRPC metadata

  // "sc://HOST:PORT" followed by the parameters, with the token shown as "***". Safe to print.
  std::string Redacted() const;
  // "HOST:PORT" as gRPC wants it (IPv6 addresses in brackets).
  std::string Target() const;
};

// Parses a connection string. A malformed one is a usage error that says what is wrong with it and
// shows the expected form; the token never appears in the message.
Result<ConnectionString> ParseConnectionString(std::string_view text);

}  // namespace sicoop::spark
