// movimento_flat.csv on object storage (csv_destination.h): the prefix's lock is the lease object
// PREFIX/.movimento_flat.lock (storage/object_lock.h); Spark writes the parts under
// PREFIX/.movimento_flat.staging-RUNID/parts/; publishing joins the header and the parts into
// PREFIX/movimento_flat.csv by one multipart upload whose parts the server copies from Spark's
// objects (storage/object_join.h), so the object appears whole when the upload completes, and not
// at all before. The Excel preset's CRLF record ends are made by sicoop, so there the parts stream
// through it. A run that dies leaves its staging prefix and maybe an unfinished upload; the next
// holder of the lock removes both.
#pragma once

#include <memory>

#include "common/status.h"
#include "pipeline/csv_destination.h"
#include "storage/location.h"
#include "storage/s3_client.h"

namespace sicoop::pipeline {

// Takes the lock of `prefix` for movimento_flat.csv through `lock_client` (kept by the lock for its
// renewals); `client` does the rest. Fails naming the run that holds it.
Result<std::unique_ptr<CsvDestination>> LockObjectCsvDestination(std::shared_ptr<storage::S3Client> client,
                                                                 std::unique_ptr<storage::S3Client> lock_client,
                                                                 const storage::ObjectPrefix& prefix);

}  // namespace sicoop::pipeline
