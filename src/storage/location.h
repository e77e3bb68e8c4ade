// Where a run writes: a local folder, or a prefix in an S3 bucket (s3a://BUCKET/PREFIX). --lake and
// --output take either; everything after parsing works on a Location, so the same code serves both.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sicoop::storage {

// A prefix in a bucket: keys under it are PREFIX/NAME (NAME alone when the prefix is empty).
struct ObjectPrefix {
  std::string bucket;
  std::string prefix;  // without leading or trailing '/'

  // s3a://BUCKET/PREFIX, the form Spark's S3A connector reads.
  std::string Uri() const;
  // The key of `name` (which may hold '/') under the prefix.
  std::string Key(std::string_view name) const;
  // s3a://BUCKET/KEY of `name` under the prefix, for messages and Spark.
  std::string UriOf(std::string_view name) const { return "s3a://" + bucket + "/" + Key(name); }
};

// A local folder for files of the run `run_id` that the Spark server reads (a JDBC trust store) when
// the run writes to object storage: in the temporary folder, named by the run and `purpose`.
std::filesystem::path TemporaryRunFolder(const std::string& run_id, const std::string& purpose);

class Location {
 public:
  // `given` is a local path or s3a://BUCKET[/PREFIX] (s3:// is read as s3a://). `option` names
  // where it came from ("--lake") for the usage error of a malformed bucket or another scheme.
  static Result<Location> Parse(std::string_view given, std::string_view option);
  static Location Local(std::filesystem::path path);

  bool is_object() const { return is_object_; }
  const std::filesystem::path& path() const { return path_; }  // a local location's folder
  const ObjectPrefix& object() const { return object_; }       // an object location's prefix
  // As people read it: the path as given, or s3a://BUCKET/PREFIX.
  std::string ToString() const { return is_object_ ? object_.Uri() : path_.string(); }
  // `name` inside the location, as people read it.
  std::string Describe(std::string_view name) const;

 private:
  bool is_object_ = false;
  std::filesystem::path path_;
  ObjectPrefix object_;
};

}  // namespace sicoop::storage
