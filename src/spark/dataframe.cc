#include "spark/dataframe.h"

#include <charconv>

#include "spark/internal/arrow_rows.h"
#include "spark/internal/client.h"
#include "spark/session.h"

namespace sicoop::spark {

DataFrame::DataFrame(SparkSession* session, std::shared_ptr<const proto::Relation> relation)
    : session_(session), relation_(std::move(relation)) {}

Status DataFrame::CreateOrReplaceTempView(const std::string& name) {
  proto::Plan plan;
  auto* view = plan.mutable_command()->mutable_create_dataframe_view();
  *view->mutable_input() = *relation_;
  view->set_name(name);
  view->set_is_global(false);
  view->set_replace(true);
  return session_->client().Execute(plan).status();
}

Result<Rows> DataFrame::Collect() {
  proto::Plan plan;
  *plan.mutable_root() = *relation_;
  SICOOP_ASSIGN_OR_RETURN(ExecuteResult result, session_->client().Execute(plan));
  Rows rows;
  rows.columns = result.column_names;
  for (const auto& batch : result.arrow_batches) SICOOP_RETURN_IF_ERROR(AppendArrowBatch(batch, rows));
  return rows;
}

Result<int64_t> DataFrame::Count() {
  // df.count() in PySpark: SELECT count(1) over the plan.
  auto relation = std::make_shared<proto::Relation>();
  auto* aggregate = relation->mutable_aggregate();
  *aggregate->mutable_input() = *relation_;
  aggregate->set_group_type(proto::Aggregate::GROUP_TYPE_GROUPBY);
  auto* count = aggregate->add_aggregate_expressions()->mutable_unresolved_function();
  count->set_function_name("count");
  count->add_arguments()->mutable_literal()->set_integer(1);
  SICOOP_ASSIGN_OR_RETURN(Rows rows, DataFrame(session_, std::move(relation)).Collect());
  int64_t value = 0;
  const std::optional<std::string>& cell = rows.rows.empty() || rows.rows[0].empty() ? std::nullopt : rows.rows[0][0];
  if (!cell || std::from_chars(cell->data(), cell->data() + cell->size(), value).ec != std::errc()) {
    return Status::Failure("Spark answered a count without a number");
  }
  return value;
}

DataFrameWriter DataFrame::Write() const { return DataFrameWriter(*this); }

}  // namespace sicoop::spark
