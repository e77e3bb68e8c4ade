#include "spark/dataframe.h"

#include <charconv>

#include "spark/internal/arrow_rows.h"
#include "spark/internal/client.h"
#include "spark/session.h"

namespace sicoop::spark {
namespace {

// An observed metric's value as text. Aggregates that count or sum give integers or decimals; a
// metric over text (min, max) gives a string. Anything else is refused rather than guessed.
Result<std::string> LiteralText(const proto::Expression::Literal& literal, const std::string& metric) {
  switch (literal.literal_type_case()) {
    case proto::Expression::Literal::kByte: return std::to_string(literal.byte());
    case proto::Expression::Literal::kShort: return std::to_string(literal.short_());
    case proto::Expression::Literal::kInteger: return std::to_string(literal.integer());
    case proto::Expression::Literal::kLong: return std::to_string(literal.long_());
    case proto::Expression::Literal::kDecimal: return literal.decimal().value();
    case proto::Expression::Literal::kString: return literal.string();
    default:
      return Status::Failure("Spark reported the observed metric '" + metric +
                             "' as a value sicoop does not read (integers, decimals and text only)");
  }
}

}  // namespace

Observation::Observation(std::string name) : state_(std::make_shared<State>(State{std::move(name), std::nullopt})) {}

DataFrame::DataFrame(SparkSession* session, std::shared_ptr<const proto::Relation> relation)
    : session_(session), relation_(std::move(relation)) {}

Status DataFrame::CreateOrReplaceTempView(const std::string& name) {
  proto::Plan plan;
  auto* view = plan.mutable_command()->mutable_create_dataframe_view();
  *view->mutable_input() = *relation_;
  view->set_name(name);
  view->set_is_global(false);
  view->set_replace(true);
  return Execute(plan).status();
}

Result<Rows> DataFrame::Collect() {
  proto::Plan plan;
  *plan.mutable_root() = *relation_;
  SICOOP_ASSIGN_OR_RETURN(ExecuteResult result, Execute(plan));
  Rows rows;
  rows.columns = result.column_names;
  for (const auto& batch : result.arrow_batches) SICOOP_RETURN_IF_ERROR(AppendArrowBatch(batch, rows));
  return rows;
}

Status DataFrame::ForEachBatch(const std::function<Status(Rows&&)>& consumer) {
  proto::Plan plan;
  *plan.mutable_root() = *relation_;
  auto decode = [&consumer](std::string&& batch) -> Status {
    Rows rows;
    SICOOP_RETURN_IF_ERROR(AppendArrowBatch(batch, rows));
    return consumer(std::move(rows));
  };
  return Execute(plan, decode).status();
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

DataFrame DataFrame::Observe(const Observation& observation, const std::vector<std::string>& metrics) const {
  auto relation = std::make_shared<proto::Relation>();
  auto* collect = relation->mutable_collect_metrics();
  *collect->mutable_input() = *relation_;
  collect->set_name(observation.name());
  for (const auto& metric : metrics) collect->add_metrics()->mutable_expression_string()->set_expression(metric);
  DataFrame observed(session_, std::move(relation));
  observed.observations_ = observations_;
  observed.observations_.push_back(observation);
  return observed;
}

Result<ExecuteResult> DataFrame::Execute(const proto::Plan& plan,
                                         const std::function<Status(std::string&&)>& on_batch) const {
  SICOOP_ASSIGN_OR_RETURN(ExecuteResult result, session_->client().Execute(plan, on_batch));
  for (const auto& reported : result.observed_metrics) {
    for (const auto& observation : observations_) {
      if (observation.name() != reported.name()) continue;
      std::map<std::string, std::string> values;
      for (int i = 0; i < reported.values_size() && i < reported.keys_size(); ++i) {
        SICOOP_ASSIGN_OR_RETURN(values[reported.keys(i)], LiteralText(reported.values(i), reported.keys(i)));
      }
      observation.state_->values = std::move(values);
    }
  }
  return result;
}

DataFrameWriter DataFrame::Write() const { return DataFrameWriter(*this); }

}  // namespace sicoop::spark
