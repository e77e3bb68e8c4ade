// Where the password of a source database comes from, and where it must not stay: a password typed
// into a URL on the command line is readable by every local user in /proc/PID/cmdline and `ps`.
//
// Order: the URL's own password; else the file named by --db-password-file; else the file named by
// SICOOP_DB_PASSWORD_FILE (the _FILE convention of container images, which is how a Kubernetes or
// Docker secret mounted as a file reaches a program); else SICOOP_DB_PASSWORD's value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "db/db_url.h"

namespace sicoop::db {

struct PasswordSources {
  std::string file;                    // --db-password-file
  std::string file_from_environment;   // SICOOP_DB_PASSWORD_FILE
  std::string value_from_environment;  // SICOOP_DB_PASSWORD
};

// Where the (percent-encoded) password of a database URL lies in `text`; nullopt when `text` is not
// a database URL or holds no password or an empty one. Finds it as ParseDbUrl does.
struct TextSpan {
  size_t offset = 0;
  size_t length = 0;
};
std::optional<TextSpan> UrlPasswordSpan(std::string_view text);

// ParseDbUrl, with the password taken from `sources` (in the order above) when the URL has none. A
// password file is read whole, without its trailing line end(s); a file that cannot be read or is
// empty is a Failure naming its path and never its content.
Result<DbUrl> ParseDbUrl(std::string_view url, const PasswordSources& sources);

// The password in a file, for the rules of ParseDbUrl above.
Result<std::string> ReadPasswordFile(const std::string& path);

}  // namespace sicoop::db
