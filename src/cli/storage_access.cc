#include "cli/storage_access.h"

#include <filesystem>
#include <set>

#include "pipeline/csv_output.h"
#include "pipeline/object_csv.h"

namespace sicoop::cli {

Result<StorageAccess> OpenStorage(const std::vector<storage::Location>& locations, const Environment& environment) {
  StorageAccess access;
  std::set<std::pair<std::string, std::string>> prefixes;
  for (const storage::Location& location : locations) {
    if (location.is_object()) prefixes.emplace(location.object().bucket, location.object().prefix);
  }
  if (prefixes.empty()) return access;
  SICOOP_ASSIGN_OR_RETURN(storage::S3Settings settings, storage::S3Settings::Resolve(environment.aws));
  SICOOP_ASSIGN_OR_RETURN(std::unique_ptr<storage::S3Client> client, storage::S3Client::Create(settings));
  for (const auto& [bucket, prefix] : prefixes) SICOOP_RETURN_IF_ERROR(client->CheckBucket(bucket, prefix));
  access.s3 = std::move(client);
  access.spark_settings = settings.SparkSessionSettings();
  access.s3_settings = std::move(settings);
  return access;
}

std::unique_ptr<storage::SmallFiles> LakeFiles(const storage::Location& lake, const StorageAccess& access) {
  if (lake.is_object()) return storage::ObjectFiles(access.s3, lake.object());
  return storage::LocalFiles(lake.path());
}

Result<std::string> SparkUri(const storage::Location& location) {
  if (location.is_object()) return location.object().Uri();
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(location.path(), error);
  if (error) return Status::Failure("cannot resolve the path " + location.path().string() + ": " + error.message());
  return absolute.string();
}

Status CheckOutput(const storage::Location& output) {
  return output.is_object() ? Status::Ok() : pipeline::CheckOutputDir(output.path());
}

Result<std::unique_ptr<pipeline::CsvDestination>> LockOutput(const storage::Location& output,
                                                            const StorageAccess& access) {
  if (output.is_object()) {
    SICOOP_ASSIGN_OR_RETURN(std::unique_ptr<storage::S3Client> lock_client, access.NewClient());
    return pipeline::LockObjectCsvDestination(access.s3, std::move(lock_client), output.object());
  }
  SICOOP_ASSIGN_OR_RETURN(pipeline::FolderLock lock, pipeline::LockOutputDir(output.path()));
  return pipeline::LocalCsvDestination(std::move(lock));
}

}  // namespace sicoop::cli
