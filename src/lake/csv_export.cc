#include "lake/csv_export.h"

#include "lake/catalog.h"
#include "lake/curated_build.h"
#include "pipeline/flat_view.h"

namespace sicoop::lake {

Result<pipeline::WrittenCsv> ExportCsv(spark::SparkSession& spark, pipeline::CsvDestination& destination,
                                       const ExportOptions& options,
                                       const std::function<void(const pipeline::EtlProgress&)>& progress) {
  const std::string sql = pipeline::FlatViewOfTableSql(CuratedFlatTable(), kCuratedIdColumn, options.spreadsheet_safe,
                                                       pipeline::DecimalMark(options.preset));
  return pipeline::WriteFlatCsv(
      spark.Sql(sql), pipeline::FlatCsvWrite{destination, options.delimiter, options.preset}, {},
      [](const Status& failure) {
        return failure.WithContext("Spark could not write the flat view from the lake's " + CuratedFlatTable());
      },
      progress);
}

}  // namespace sicoop::lake
