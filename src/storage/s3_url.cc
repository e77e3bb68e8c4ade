#include "storage/s3_url.h"

#include <cctype>

#include "common/numbers.h"

namespace sicoop::storage {
namespace {

bool IsIpv4(std::string_view host) {
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view part = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

}  // namespace

bool Endpoint::IsAddressOrLocalhost() const {
  return host == "localhost" || host.front() == '[' || IsIpv4(host);
}

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return Status::Failure("'" + std::string(url) + "' is not an S3 endpoint URL: " + why +
                         " (expected e.g. http://127.0.0.1:9000 or https://s3.eu-west-1.amazonaws.com)");
  };
  Endpoint endpoint;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("it has no http:// or https://");
  endpoint.scheme = std::string(url.substr(0, scheme_end));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") return bad("the scheme must be http or https");
  std::string_view rest = url.substr(scheme_end + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return bad("only a host and a port may follow the scheme");
  }
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("an IPv6 address lacks its ']'");
    host = rest.substr(0, close + 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad("unexpected text after the IPv6 address");
      port = rest.substr(close + 2);
    }
  } else if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return bad("it has no host");
  if (rest.find(':') != std::string_view::npos && port.empty()) return bad("the port is empty");
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad("the port is not a number");
  }
  if (!port.empty() && (port.size() > 5 || ParseInteger(port).value_or(65536) > 65535)) return bad("the port is out of range");
  endpoint.host = std::string(host);
  endpoint.port = std::string(port);
  return endpoint;
}

std::string PercentEncode(std::string_view text, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

std::string RequestUrl(const Endpoint& endpoint, bool path_style, std::string_view bucket, std::string_view key,
                       const std::map<std::string, std::string>& query) {
  std::string authority = endpoint.host + (endpoint.port.empty() ? "" : ":" + endpoint.port);
  std::string url = endpoint.scheme + "://";
  if (path_style) {
    url += authority + "/" + std::string(bucket);
    if (!key.empty()) url += "/" + PercentEncode(key, true);
  } else {
    url += std::string(bucket) + "." + authority + "/" + PercentEncode(key, true);
  }
  char separator = '?';
  for (const auto& [name, value] : query) {
    url += separator + PercentEncode(name, false) + "=" + PercentEncode(value, false);
    separator = '&';
  }
  return url;
}

}  // namespace sicoop::storage
