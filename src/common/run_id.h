// What sicoop's locks (pipeline/folder_lock.h, storage/object_lock.h) record of the run that holds
// them: a run id that names the run's staging files, and the host and time, for people.
#pragma once

#include <string>

#include "common/status.h"

namespace sicoop {

// A new run id: 32 hex digits of 128 random bits (getrandom).
Result<std::string> NewRunId();

// This host's name, or "unknown".
std::string HostName();

// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string UtcNow();

}  // namespace sicoop
