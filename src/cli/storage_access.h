// How a run reaches the places it writes (--lake, --output): nothing for local folders; for S3
// prefixes, sicoop's S3 client (its credentials found and each bucket checked before anything
// slow starts) and the settings that point the Spark session's S3A connector at the same endpoint.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "common/environment.h"
#include "common/status.h"
#include "pipeline/csv_destination.h"
#include "storage/location.h"
#include "storage/s3_client.h"
#include "storage/s3_settings.h"
#include "storage/small_files.h"

namespace sicoop::cli {

struct StorageAccess {
  std::shared_ptr<storage::S3Client> s3;             // set when a location is on S3
  std::optional<storage::S3Settings> s3_settings;    // the same
  std::map<std::string, std::string> spark_settings;  // S3A session settings; no secret among them

  // Another client, for a lock's renewals on a thread of their own.
  Result<std::unique_ptr<storage::S3Client>> NewClient() const { return storage::S3Client::Create(*s3_settings); }
};

// Opens access to `locations`: for S3 ones, resolves the endpoint, region and credentials from the
// environment and checks that each bucket exists and takes these credentials.
Result<StorageAccess> OpenStorage(const std::vector<storage::Location>& locations, const Environment& environment);

// The lake's own small files (run manifests) at `lake`.
std::unique_ptr<storage::SmallFiles> LakeFiles(const storage::Location& lake, const StorageAccess& access);

// `location` as Spark reads it: an absolute local path, or s3a://BUCKET/PREFIX.
Result<std::string> SparkUri(const storage::Location& location);

// Checks, leaving nothing behind, that a local --output can take the file (pipeline::CheckOutputDir);
// an S3 one was checked by OpenStorage.
Status CheckOutput(const storage::Location& output);

// Takes the lock of `output` for movimento_flat.csv: one run at a time writes there.
Result<std::unique_ptr<pipeline::CsvDestination>> LockOutput(const storage::Location& output,
                                                            const StorageAccess& access);

}  // namespace sicoop::cli
