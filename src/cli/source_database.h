// The source database of the commands that read one (db init, db seed, etl): its --db URL and where
// its password comes from (db/password_source.h).
#pragma once

#include "cli/options.h"
#include "common/environment.h"
#include "common/status.h"
#include "db/db_url.h"

namespace sicoop::cli {

// --db-password-file, declared once for every such command. A function, not a global: the commands'
// own specs are globals of other files, and the order globals of different files start in is not
// defined.
OptionSpec DbPasswordFileOption();

// The --db URL with its password: the URL's own, else --db-password-file's file, else
// SICOOP_DB_PASSWORD_FILE's file, else SICOOP_DB_PASSWORD.
Result<db::DbUrl> SourceDatabase(const ParsedOptions& parsed, const Environment& environment);

// When the --db URL carries a password, says on stderr (once, without the password) that other
// local users can read it and what to use instead. Called once the command line is known good, so
// that a usage error stays a single line.
void WarnOfAPasswordOnTheCommandLine(const ParsedOptions& parsed);

}  // namespace sicoop::cli
