#include "cli/db_timeout.h"

#include <chrono>

namespace sicoop::cli {

Status ApplyDbTimeout(const ParsedOptions& parsed, db::DbUrl& url) {
  if (!parsed.Has(kDbTimeoutOption.name)) return Status::Ok();
  SICOOP_ASSIGN_OR_RETURN(int64_t seconds, parsed.GetInt(kDbTimeoutOption.name, 1, 86400));
  url.timeouts = db::TimeoutsOf(std::chrono::seconds(seconds));
  return Status::Ok();
}

}  // namespace sicoop::cli
