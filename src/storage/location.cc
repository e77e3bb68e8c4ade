#include "storage/location.h"

#include <cctype>

namespace sicoop::storage {
namespace {

// S3's bucket naming rules (3 to 63 lowercase letters, digits, '.' and '-', starting and ending
// with a letter or digit): a name breaking them is a typo to report before any request.
bool IsBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name) {
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '.' &&
        c != '-') {
      return false;
    }
  }
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  return alnum(name.front()) && alnum(name.back()) && name.find("..") == std::string_view::npos;
}

}  // namespace

std::filesystem::path TemporaryRunFolder(const std::string& run_id, const std::string& purpose) {
  std::error_code error;
  const std::filesystem::path temp = std::filesystem::temp_directory_path(error);
  return (error ? std::filesystem::path("/tmp") : temp) / ("sicoop-" + run_id + "." + purpose);
}

std::string ObjectPrefix::Uri() const { return "s3a://" + bucket + (prefix.empty() ? "" : "/" + prefix); }

std::string ObjectPrefix::Key(std::string_view name) const {
  return prefix.empty() ? std::string(name) : prefix + "/" + std::string(name);
}

Location Location::Local(std::filesystem::path path) {
  Location location;
  location.path_ = std::move(path);
  return location;
}

Result<Location> Location::Parse(std::string_view given, std::string_view option) {
  const std::string where(option);
  const size_t scheme_end = given.find("://");
  if (scheme_end == std::string_view::npos) return Local(std::filesystem::path(given));
  const std::string scheme(given.substr(0, scheme_end));
  if (scheme != "s3a" && scheme != "s3") {
    return Status::Usage(where + " '" + std::string(given) + "' has the scheme " + scheme +
                         "://, which sicoop does not write to: give a local folder or s3a://BUCKET/PREFIX");
  }
  std::string_view rest = given.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  const std::string bucket(rest.substr(0, slash));
  if (!IsBucketName(bucket)) {
    return Status::Usage(where + " '" + std::string(given) + "' does not name a bucket: '" + bucket +
                         "' is not a valid S3 bucket name (3 to 63 lowercase letters, digits, '.' or '-')");
  }
  std::string prefix(slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  // Empty or dot segments would make keys that S3 stores but Spark's paths cannot name.
  for (size_t begin = 0; !prefix.empty();) {
    const size_t end = prefix.find('/', begin);
    const std::string_view segment = std::string_view(prefix).substr(begin, end == std::string::npos ? end : end - begin);
    if (segment.empty() || segment == "." || segment == "..") {
      return Status::Usage(where + " '" + std::string(given) + "' has an empty, '.' or '..' part in its prefix: "
                           "give s3a://BUCKET/PREFIX with plain folder names");
    }
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  Location location;
  location.is_object_ = true;
  location.object_ = ObjectPrefix{bucket, prefix};
  return location;
}

std::string Location::Describe(std::string_view name) const {
  return is_object_ ? object_.UriOf(name) : (path_ / std::string(name)).string();
}

}  // namespace sicoop::storage
