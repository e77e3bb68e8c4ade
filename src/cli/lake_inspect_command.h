// sicoop lake show|verify: what the lake holds, and whether it agrees with its source. Both only
// read the lake: they take no lock and write nothing into it.
#pragma once

#include <string>
#include <vector>

#include "common/environment.h"
#include "common/status.h"

namespace sicoop::cli {

// Prints the lake's tables (rows, current snapshot), the commits of raw.movimento and of the
// curated table, and the last runs' manifests.
Status LakeShow(const std::vector<std::string>& args, const Environment& environment);

// Reconciles the lake with the source per day (lake/reconcile.h); a failure when any day differs.
Status LakeVerify(const std::vector<std::string>& args, const Environment& environment);

}  // namespace sicoop::cli
