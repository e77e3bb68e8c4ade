#include "spark/connection_string.h"

#include <cctype>
#include <charconv>

#include "spark/internal/uuid.h"

namespace sicoop::spark {
namespace {

constexpr std::string_view kScheme = "sc://";
constexpr const char* kExpected = " (expected sc://HOST[:PORT][/;token=...;use_ssl=true;user_id=...])";

Status Bad(const std::string& reason) {
  return Status::Usage("invalid Spark Connect URL: " + reason + kExpected);
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

Status ParsePort(std::string_view text, ConnectionString& out) {
  int port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    return Bad("the port '" + std::string(text) + "' is not a number from 1 to 65535");
  }
  out.port = port;
  return Status::Ok();
}

// Splits "HOST[:PORT]" (HOST may be a bracketed IPv6 address) into `out`.
Status ParseAuthority(std::string_view authority, ConnectionString& out) {
  std::string_view after_host;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("unclosed '[' in the IPv6 host");
    out.host = std::string(authority.substr(1, close - 1));
    after_host = authority.substr(close + 1);
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    after_host = colon == std::string_view::npos ? "" : authority.substr(colon);
    for (char c : out.host) {
      if (!IsHostNameChar(c)) return Bad("the host '" + out.host + "' has a character a host name cannot have");
    }
  }
  if (out.host.empty()) return Bad("empty host");
  if (after_host.empty()) return Status::Ok();
  if (!after_host.starts_with(':')) return Bad("unexpected text after the host");
  return ParsePort(after_host.substr(1), out);
}

Status ApplyParameter(const std::string& key, const std::string& value, ConnectionString& out) {
  if (key == "token") {
    if (value.empty()) return Bad("empty token");
    out.token = value;
  } else if (key == "use_ssl") {
    if (value != "true" && value != "false") return Bad("use_ssl must be true or false");
    out.use_ssl = value == "true";
  } else if (key == "user_id") {
    out.user_id = value;
  } else if (key == "user_agent") {
    out.user_agent = value;
  } else if (key == "session_id") {
    if (!IsUuid(value)) return Bad("session_id '" + value + "' is not a UUID");
    out.session_id = value;
  } else {
    out.params[key] = value;
  }
  return Status::Ok();
}

// Parses ";k=v;k=v" (the text after "/").
Status ParseParameters(std::string_view text, ConnectionString& out) {
  bool explicit_no_ssl = false, explicit_ssl = false;
  std::map<std::string, bool> seen;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      // Do not echo the item: it could be a mistyped token.
      return Bad("each parameter must be NAME=VALUE");
    }
    std::string key(item.substr(0, eq));
    if (seen[key]) return Bad("the parameter '" + key + "' is given twice");
    seen[key] = true;
    std::string value(item.substr(eq + 1));
    if (key == "use_ssl" && value == "false") explicit_no_ssl = true;
    if (key == "use_ssl" && value == "true") explicit_ssl = true;
    SICOOP_RETURN_IF_ERROR(ApplyParameter(key, value, out));
  }
  if (!out.token.empty()) {
    // A bearer token is a credential: the format says it implies TLS, and it is never sent in clear.
    if (explicit_no_ssl) return Bad("a token is only sent over TLS; remove use_ssl=false");
    out.use_ssl = true;
    out.use_ssl_implied = !explicit_ssl;
  }
  return Status::Ok();
}

// Spark's own test for values to hide (spark.redaction.regex), applied to extra parameters, which
// some gateways use for credentials.
bool LooksSecret(std::string key) {
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"secret", "password", "token", "key", "auth"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Result<ConnectionString> ParseConnectionString(std::string_view text) {
  if (!text.starts_with(kScheme)) return Bad("it must start with sc://");
  std::string_view rest = text.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.find(';') != std::string_view::npos) {
    return Bad("parameters go after a '/', as in sc://HOST:PORT/;token=...");
  }
  ConnectionString out;
  SICOOP_RETURN_IF_ERROR(ParseAuthority(authority, out));
  if (slash != std::string_view::npos) {
    std::string_view after = rest.substr(slash + 1);
    if (!after.empty() && !after.starts_with(';')) {
      return Bad("a Spark Connect URL has no path; parameters start with ';' after the '/'");
    }
    SICOOP_RETURN_IF_ERROR(ParseParameters(after, out));
  }
  return out;
}

std::string ConnectionString::Target() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string ConnectionString::Redacted() const {
  std::string params_text;
  auto add = [&params_text](const std::string& key, const std::string& value) {
    params_text += ";" + key + "=" + value;
  };
  if (!token.empty()) add("token", "***");
  if (use_ssl) add("use_ssl", "true");
  if (!user_id.empty()) add("user_id", user_id);
  if (!user_agent.empty()) add("user_agent", user_agent);
  if (!session_id.empty()) add("session_id", session_id);
  for (const auto& [key, value] : params) add(key, LooksSecret(key) ? "***" : value);
  return "sc://" + Target() + (params_text.empty() ? "" : "/" + params_text);
}

}  // namespace sicoop::spark
