// One object made of many, whole or not at all: movimento_flat.csv on object storage is sicoop's
// header line followed by Spark's part objects, joined by a multipart upload that appears under its
// key only when completed. A failure aborts the upload, so a previous object under that key stays
// as it was. Part objects of 5 MiB or more are copied on the server (UploadPartCopy: their bytes
// never travel through sicoop); only the header and small pieces are downloaded and uploaded, a few
// MiB at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/s3_client.h"

namespace sicoop::storage {

// S3's multipart limits: every part but the last at least 5 MiB, at most 10000 parts.
inline constexpr int64_t kMinPartBytes = int64_t{5} << 20;
inline constexpr int kMaxParts = 10000;
// Copied ranges are cut at 1 GiB (S3 allows 5 GiB): each copy then ends well within the client's
// stall timeout, and a retried part repeats little work.
inline constexpr int64_t kMaxCopyBytes = int64_t{1} << 30;

// A byte range of one source: the head (source -1) or part object `source` of the list.
struct Piece {
  int source = -1;
  int64_t offset = 0;
  int64_t length = 0;
};

// One part of the upload: a server-side copy of one piece, or pieces downloaded and sent together.
struct PlannedPart {
  bool copy = false;
  std::vector<Piece> pieces;  // exactly one when `copy`
  int64_t size() const;
};

// The parts that make the head (`head_size` bytes) followed by objects of `sizes` bytes, in order.
// Empty objects are skipped; an object of at least kMinPartBytes is copied, except its first bytes
// when they are needed to fill up small pieces before it to kMinPartBytes (an uploaded part then
// holds at most 3 x kMinPartBytes). Fails when more than kMaxParts parts would be needed.
Result<std::vector<PlannedPart>> PlanJoin(int64_t head_size, const std::vector<int64_t>& sizes);

// Writes `head` followed by the bytes of `parts` (objects of `bucket`, in this order) as the object
// `target_key`, and checks the finished object's size. Returns the bytes written.
Result<int64_t> JoinObjects(S3Client& client, const std::string& bucket, const std::string& head,
                            const std::vector<ObjectInfo>& parts, const std::string& target_key);

// Appends the transformed bytes of `chunk` to `out`; chunks arrive in order, cut anywhere.
using ChunkTransform = std::function<void(std::string_view chunk, std::string& out)>;

// Like JoinObjects, for bytes that must change on the way (the Excel preset's CRLF line ends, which
// Spark cannot write): every part object is read through sicoop and passed through `transform`
// (the head is written as given), and uploaded in parts of at least 8 MiB.
Result<int64_t> JoinObjectsThrough(S3Client& client, const std::string& bucket, const std::string& head,
                                   const std::vector<ObjectInfo>& parts, const std::string& target_key,
                                   const ChunkTransform& transform);

// Aborts the unfinished multipart uploads of exactly `key` (left by a run that was killed), so that
// their parts stop taking space. Returns how many.
Result<int> AbortUploads(S3Client& client, const std::string& bucket, const std::string& key);

}  // namespace sicoop::storage
