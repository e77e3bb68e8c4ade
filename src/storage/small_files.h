// The few small files sicoop keeps beside what Spark writes (the lake's run manifests), in a local
// folder or under an S3 prefix alike: written whole (readers see the old state or the new file,
// never part of it), listed, read.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/location.h"
#include "storage/s3_client.h"

namespace sicoop::storage {

class SmallFiles {
 public:
  virtual ~SmallFiles() = default;
  // Writes `text` as `name` (relative; '/' separates folders, created as needed), whole.
  virtual Status WriteWhole(const std::string& name, std::string_view text) = 0;
  // The names of the files directly in the folder `folder` (relative) ending with `suffix`, in name
  // order; none when the folder is missing. Files being written (hidden, '.'-prefixed) are left out.
  virtual Result<std::vector<std::string>> List(const std::string& folder, const std::string& suffix) = 0;
  virtual Result<std::string> Read(const std::string& name) = 0;
  // `name` as people read it: a path or an s3a:// URI.
  virtual std::string Describe(const std::string& name) const = 0;
};

// Files in the local folder `folder`: written aside, flushed, renamed into place.
std::unique_ptr<SmallFiles> LocalFiles(std::filesystem::path folder);
// Objects under `prefix`: one PUT each, which S3 makes visible whole.
std::unique_ptr<SmallFiles> ObjectFiles(std::shared_ptr<S3Client> client, ObjectPrefix prefix);

}  // namespace sicoop::storage
