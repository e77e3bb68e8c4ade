// The URLs of S3 requests. Query strings are built already in AWS's canonical form (parameters
// sorted by name, values percent-encoded, "name=" for a valueless one) because libcurl 7.88 signs
// the query exactly as given.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sicoop::storage {

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // a name, an IPv4 address, or an IPv6 address in brackets
  std::string port;    // empty for the scheme's default
  // Whether S3 must be addressed path-style: an IP address or localhost has no bucket subdomains.
  bool IsAddressOrLocalhost() const;
};

// An endpoint URL such as "http://127.0.0.1:9000" or "https://s3.eu-west-1.amazonaws.com" (a
// trailing '/' is allowed, nothing else after the host and port). A failure says what is wrong.
Result<Endpoint> ParseEndpoint(std::string_view url);

// RFC 3986 percent-encoding of everything but the unreserved characters, and of '/' too unless
// `keep_slash` (an object key's segments keep their separators).
std::string PercentEncode(std::string_view text, bool keep_slash);

// The URL of `key` in `bucket` (key empty: the bucket itself) with `query` appended in canonical
// form: http(s)://host[:port]/bucket/key path-style, http(s)://bucket.host[:port]/key otherwise.
std::string RequestUrl(const Endpoint& endpoint, bool path_style, std::string_view bucket, std::string_view key,
                       const std::map<std::string, std::string>& query = {});

}  // namespace sicoop::storage
