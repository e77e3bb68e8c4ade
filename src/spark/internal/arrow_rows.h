// Arrow IPC to text rows: how a collected result (ExecutePlanResponse.ArrowBatch) becomes Rows.
// Internal to src/spark.
#pragma once

#include <string>

#include "common/status.h"
#include "spark/dataframe.h"

namespace sicoop::spark {

// Decodes `ipc_stream` (an Arrow IPC stream: a schema and record batches) and appends its rows to
// `rows`, rendering each cell as dataframe.h describes. Sets rows.columns from the schema.
Status AppendArrowBatch(const std::string& ipc_stream, Rows& rows);

}  // namespace sicoop::spark
