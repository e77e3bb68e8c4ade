// AWS Signature Version 4 for S3 requests. libcurl's own signer (CURLOPT_AWS_SIGV4) cannot be used:
// up to curl 8.9 it sorts the signed headers as "name:value" lines, so a header whose name begins
// with another's (x-amz-copy-source-range after x-amz-copy-source, which every ranged
// UploadPartCopy sends) is put in the wrong order and S3 refuses the signature.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace sicoop::storage {

struct SigningKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // sent as x-amz-security-token when not empty
  std::string region;
};

// The headers that sign a request to S3, to be sent with it: x-amz-date, x-amz-content-sha256,
// x-amz-security-token (with a session token) and Authorization. `url` must already be in canonical
// form (path segments percent-encoded once, query sorted and encoded: s3_url.h). The host, every
// header of `headers` ("Name: value", sent as given) and those added here are signed;
// `payload_hash` is "UNSIGNED-PAYLOAD" or the hex SHA-256 of the body.
std::vector<std::string> SignV4(std::string_view method, std::string_view url, const std::vector<std::string>& headers,
                                std::string_view payload_hash, const SigningKey& key, std::time_t now);

// The hex SHA-256 of the empty body.
inline constexpr char kEmptyPayloadHash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace sicoop::storage
