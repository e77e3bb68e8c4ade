#include "cli/source_database.h"

#include <cstdio>

#include "db/password_source.h"

namespace sicoop::cli {

OptionSpec DbPasswordFileOption() {
  // The order is the whole rule, so it is spelled out here rather than pointed to.
  return {"db-password-file", "PATH",
          "file holding the database password, e.g. a mounted Kubernetes Secret; trailing line end ignored\n"
          "                            (password order: the --db URL's, this file's, SICOOP_DB_PASSWORD_FILE's, "
          "SICOOP_DB_PASSWORD;\n"
          "                            then, for PostgreSQL only, libpq's PGPASSWORD and ~/.pgpass or PGPASSFILE's "
          "file;\n"
          "                            MySQL's MYSQL_PWD and option files are not read)",
          ""};
}

Result<db::DbUrl> SourceDatabase(const ParsedOptions& parsed, const Environment& environment) {
  const db::PasswordSources sources = {parsed.Get(DbPasswordFileOption().name), environment.db_password_file,
                                       environment.db_password};
  return db::ParseDbUrl(parsed.Get("db"), sources);
}

void WarnOfAPasswordOnTheCommandLine(const ParsedOptions& parsed) {
  if (!db::UrlPasswordSpan(parsed.Get("db"))) return;
  std::fprintf(stderr,
               "sicoop: warning: the password in the --db URL was visible to other users of this machine "
               "(ps, /proc) while sicoop started; leave it out of the URL and use --db-password-file, "
               "SICOOP_DB_PASSWORD_FILE or SICOOP_DB_PASSWORD\n");
}

}  // namespace sicoop::cli
