// The export, curated -> DIR/movimento_flat.csv (docs/lake.md): the contract's file
// (docs/output-contract.md) from the lake's curated table, byte for byte what a direct `sicoop
// etl` writes from the same state of the source.
#pragma once

#include <functional>

#include "common/status.h"
#include "pipeline/csv_output.h"
#include "pipeline/etl.h"
#include "pipeline/folder_lock.h"
#include "spark/session.h"

namespace sicoop::lake {

struct ExportOptions {
  char delimiter = ',';
  bool spreadsheet_safe = false;
  pipeline::CsvPreset preset = pipeline::CsvPreset::kDefault;
};

// Writes the curated table of the lake open in `spark`'s session as the CSV of the folder that
// `output_lock` locks. The caller holds the lake's lock too, so no build replaces the table meanwhile.
Result<pipeline::WrittenCsv> ExportCsv(spark::SparkSession& spark, const pipeline::FolderLock& output_lock,
                                       const ExportOptions& options,
                                       const std::function<void(const pipeline::EtlProgress&)>& progress = {});

}  // namespace sicoop::lake
