#include "storage/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace sicoop::storage {
namespace {

std::string Hex(const unsigned char* bytes, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < size; ++i) {
    hex += kDigits[bytes[i] >> 4];
    hex += kDigits[bytes[i] & 0x0F];
  }
  return hex;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

std::vector<std::string> SignV4(std::string_view method, std::string_view url, const std::vector<std::string>& headers,
                                std::string_view payload_hash, const SigningKey& key, std::time_t now) {
  std::string_view rest = url.substr(url.find("://") + 3);
  size_t path_start = std::min(rest.find('/'), rest.size());
  std::string_view host = rest.substr(0, std::min(path_start, rest.find('?')));
  std::string_view path_and_query = rest.substr(host.size());
  size_t question = path_and_query.find('?');
  std::string path(path_and_query.substr(0, question));
  if (path.empty()) path = "/";
  std::string query(question == std::string_view::npos ? "" : path_and_query.substr(question + 1));

  char date_time[17];
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(date_time, sizeof date_time, "%Y%m%dT%H%M%SZ", &utc);
  std::string date(date_time, 8);

  std::vector<std::string> added{"x-amz-date: " + std::string(date_time),
                                 "x-amz-content-sha256: " + std::string(payload_hash)};
  if (!key.session_token.empty()) added.push_back("x-amz-security-token: " + key.session_token);

  // Sorted by name alone, as AWS sorts them.
  std::map<std::string, std::string> signed_headers{{"host", std::string(host)}};
  auto add = [&](const std::string& header) {
    size_t colon = header.find(':');
    std::string name = header.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    signed_headers[name] = Trim(std::string_view(header).substr(colon + 1));
  };
  for (const std::string& header : headers) add(header);
  for (const std::string& header : added) add(header);
  std::string canonical_headers;
  std::string names;
  for (const auto& [name, value] : signed_headers) {
    canonical_headers += name + ":" + value + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  std::string canonical_request = std::string(method) + "\n" + path + "\n" + query + "\n" + canonical_headers + "\n" +
                                  names + "\n" + std::string(payload_hash);
  std::string scope = date + "/" + key.region + "/s3/aws4_request";
  std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(date_time) + "\n" + scope + "\n" + Sha256Hex(canonical_request);
  std::string signing_key =
      Hmac(Hmac(Hmac(Hmac("AWS4" + key.secret_access_key, date), key.region), "s3"), "aws4_request");
  std::string signature = Hmac(signing_key, string_to_sign);
  added.push_back("Authorization: AWS4-HMAC-SHA256 Credential=" + key.access_key_id + "/" + scope +
                  ", SignedHeaders=" + names +
                  ", Signature=" + Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size()));
  return added;
}

}  // namespace sicoop::storage
