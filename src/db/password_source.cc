#include "db/password_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sicoop::db {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://", "mysql://", "mariadb://"};

}  // namespace

std::optional<TextSpan> UrlPasswordSpan(std::string_view text) {
  size_t scheme_length = 0;
  for (std::string_view scheme : kSchemes) {
    if (text.substr(0, scheme.size()) == scheme) scheme_length = scheme.size();
  }
  if (scheme_length == 0) return std::nullopt;
  // ParseDbUrl's rule: the user info ends at the last '@', then at the first ':' of the user info.
  const std::string_view rest = text.substr(scheme_length);
  const size_t at = rest.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  const size_t colon = rest.substr(0, at).find(':');
  if (colon == std::string_view::npos || colon + 1 == at) return std::nullopt;
  return TextSpan{scheme_length + colon + 1, at - colon - 1};
}

Result<std::string> ReadPasswordFile(const std::string& path) {
  std::string password;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ssize_t got = fd < 0 ? -1 : 0;
  char buffer[4096];
  while (fd >= 0 && (got = read(fd, buffer, sizeof buffer)) > 0) password.append(buffer, static_cast<size_t>(got));
  const int error = errno;
  if (fd >= 0) close(fd);
  if (got < 0) {
    return Status::Failure("cannot read the database password file " + path + ": " + std::strerror(error) +
                           " (check the path and that this user may read it)");
  }
  // Editors and `echo` end a file with a line end; Docker's and Kubernetes' tools strip it too.
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  if (password.empty()) {
    return Status::Failure("the database password file " + path + " is empty (write the password into it)");
  }
  return password;
}

Result<DbUrl> ParseDbUrl(std::string_view url, const PasswordSources& sources) {
  if (UrlPasswordSpan(url) || (sources.file.empty() && sources.file_from_environment.empty())) {
    return ParseDbUrl(url, sources.value_from_environment);
  }
  // The URL is checked before any file is read, so that a usage error stays one.
  SICOOP_RETURN_IF_ERROR(ParseDbUrl(url).status());
  const std::string& file = sources.file.empty() ? sources.file_from_environment : sources.file;
  SICOOP_ASSIGN_OR_RETURN(std::string password, ReadPasswordFile(file));
  return ParseDbUrl(url, password);
}

}  // namespace sicoop::db
