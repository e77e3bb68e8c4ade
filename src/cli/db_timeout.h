// --db-timeout, declared once for every command that talks to a source database (db init, db seed,
// etl): how long sicoop and Spark's JDBC reads wait for it (db/timeouts.h).
#pragma once

#include <string>

#include "cli/options.h"
#include "common/status.h"
#include "db/db_url.h"

namespace sicoop::cli {

// Inline in the header: the command specs that list it are constants of other files, and an inline
// variable defined before them is initialized before them (an extern one may not be yet).
inline const OptionSpec kDbTimeoutOption = {
    "db-timeout", "SECONDS",
    "longest silence of the database before giving up, on sicoop's and Spark's connections: each\n"
    "                            wait for an answer, not a whole statement (connecting: 10 s, or this if shorter)",
    std::to_string(db::Timeouts{}.read.count())};

// Sets url.timeouts from --db-timeout, or leaves the defaults when it is absent. A value that is not
// a whole number of seconds from 1 to 86400 is a usage error.
Status ApplyDbTimeout(const ParsedOptions& parsed, db::DbUrl& url);

}  // namespace sicoop::cli
