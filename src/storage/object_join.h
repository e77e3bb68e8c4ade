// One object made of many, whole or not at all: movimento_flat.csv on object storage is sicoop's
// header line followed by Spark's part objects, joined by a multipart upload that appears under its
// key only when completed. A failure aborts the upload, so a previous object under that key stays
// as it was.
//
// A part object of 5 MiB to 5 GiB that starts a part is copied on the server, whole (UploadPartCopy:
// its bytes never travel through sicoop). Bytes that cannot start a part of their own (the header,
// small objects) are pending, and the object that follows them is downloaded and uploaded with them
// in parts of 8 to 16 MiB that end exactly at its end, so that the next one is copied again. Copies
// are of whole objects only: S3 copies a range when told by x-amz-copy-source-range, which libcurl
// before 8.10 signs wrongly. So for Spark's N part objects of a big file only the header and the
// first part object travel through sicoop; the other N - 1 are copied.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/s3_client.h"

namespace sicoop::storage {

// S3's multipart limits: every part but the last at least 5 MiB, at most 5 GiB (so at most that is
// copied as one part), at most 10000 parts.
inline constexpr int64_t kMinPartBytes = int64_t{5} << 20;
inline constexpr int64_t kMaxCopyBytes = int64_t{5} << 30;
inline constexpr int kMaxParts = 10000;
// Downloaded bytes are uploaded in parts of about this size (8 to 16 MiB), one part in memory at a
// time.
inline constexpr int64_t kUploadPartBytes = int64_t{8} << 20;

// A byte range of one source: the head (source -1) or part object `source` of the list.
struct Piece {
  int source = -1;
  int64_t offset = 0;
  int64_t length = 0;
};

// One part of the upload: a server-side copy of one whole object, or pieces downloaded and sent
// together.
struct PlannedPart {
  bool copy = false;
  std::vector<Piece> pieces;  // exactly one, a whole object, when `copy`
  int64_t size() const;
};

// The parts that make the head (`head_size` bytes) followed by objects of `sizes` bytes, in order.
// Empty objects are skipped. With nothing pending, an object of kMinPartBytes to kMaxCopyBytes is
// one copied part. Any other object is added to the pending bytes: while they total less than
// kMinPartBytes they stay pending; else they are cut into max(1, total / kUploadPartBytes)
// near-equal uploaded parts (each at least kMinPartBytes, less than 2 x kUploadPartBytes), the last
// ending at the object's end. Whatever is pending at the end is the last part. Fails, saying what
// to change, when more than kMaxParts parts would be needed.
Result<std::vector<PlannedPart>> PlanJoin(int64_t head_size, const std::vector<int64_t>& sizes);

// Run after every part is written and before the upload is completed, so that nothing appears
// under the key unless it succeeds (a check that the run still holds its lock, say); its failure
// aborts the upload and is returned.
using BeforeComplete = std::function<Status()>;

// Writes `head` followed by the bytes of `parts` (objects of `bucket`, in this order) as the object
// `target_key`, and checks the finished object's size. Returns the bytes written. When there is
// nothing at all to write the empty object is put, after `before_complete` too.
Result<int64_t> JoinObjects(S3Client& client, const std::string& bucket, const std::string& head,
                            const std::vector<ObjectInfo>& parts, const std::string& target_key,
                            const BeforeComplete& before_complete = {});

// Appends the transformed bytes of `chunk` to `out`; chunks arrive in order, cut anywhere.
using ChunkTransform = std::function<void(std::string_view chunk, std::string& out)>;

// Like JoinObjects, for bytes that must change on the way (the Excel preset's CRLF line ends, which
// Spark cannot write): every part object is read through sicoop and passed through `transform`
// (the head is written as given), and uploaded in parts of at least 8 MiB.
Result<int64_t> JoinObjectsThrough(S3Client& client, const std::string& bucket, const std::string& head,
                                   const std::vector<ObjectInfo>& parts, const std::string& target_key,
                                   const ChunkTransform& transform, const BeforeComplete& before_complete = {});

// Aborts the unfinished multipart uploads of exactly `key` (left by a run that was killed), so that
// their parts stop taking space. Returns how many.
Result<int> AbortUploads(S3Client& client, const std::string& bucket, const std::string& key);

}  // namespace sicoop::storage
