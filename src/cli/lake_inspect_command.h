// sicoop lake show|verify: what the lake holds, and whether it agrees with its source. Both only
// read the lake: they take no lock and write nothing into it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "common/environment.h"
#include "common/status.h"
#include "spark/connection_string.h"
#include "storage/location.h"

namespace sicoop::cli {

// Prints the lake's tables (rows, current snapshot), the commits of raw.movimento and of the
// curated table, and the last runs' manifests.
Status LakeShow(const std::vector<std::string>& args, const Environment& environment);

// Reconciles the lake with the source per day (lake/reconcile.h); a failure when any day differs.
Status LakeVerify(const std::vector<std::string>& args, const Environment& environment);

// What the commands that only read a lake share (show, verify, report): --lake's location, which
// when local must exist (they never create it; an S3 one without a lake fails when Spark opens it),
// and --spark's endpoint, if given.
Result<storage::Location> ExistingLake(const ParsedOptions& parsed);
Result<std::optional<spark::ConnectionString>> SparkEndpoint(const ParsedOptions& parsed);

}  // namespace sicoop::cli
