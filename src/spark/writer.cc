#include "spark/dataframe.h"
#include "spark/internal/client.h"
#include "spark/session.h"

namespace sicoop::spark {
namespace {

Result<proto::WriteOperation::SaveMode> SaveModeOf(const std::string& mode) {
  if (mode.empty() || mode == "error" || mode == "errorifexists") return proto::WriteOperation::SAVE_MODE_ERROR_IF_EXISTS;
  if (mode == "overwrite") return proto::WriteOperation::SAVE_MODE_OVERWRITE;
  if (mode == "append") return proto::WriteOperation::SAVE_MODE_APPEND;
  if (mode == "ignore") return proto::WriteOperation::SAVE_MODE_IGNORE;
  return Status::Failure("unknown save mode '" + mode + "' (overwrite, append, ignore or error)");
}

}  // namespace

DataFrameWriter& DataFrameWriter::Format(std::string format) {
  format_ = std::move(format);
  return *this;
}

DataFrameWriter& DataFrameWriter::Mode(std::string mode) {
  mode_ = std::move(mode);
  return *this;
}

DataFrameWriter& DataFrameWriter::Option(const std::string& key, std::string value) {
  options_[key] = std::move(value);
  return *this;
}

DataFrameWriter& DataFrameWriter::Options(const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options) options_[key] = value;
  return *this;
}

Status DataFrameWriter::Save(const std::string& path) {
  SICOOP_ASSIGN_OR_RETURN(auto mode, SaveModeOf(mode_));
  proto::Plan plan;
  auto* write = plan.mutable_command()->mutable_write_operation();
  *write->mutable_input() = frame_.relation();
  if (!format_.empty()) write->set_source(format_);
  write->set_path(path);
  write->set_mode(mode);
  for (const auto& [key, value] : options_) (*write->mutable_options())[key] = value;
  return frame_.Execute(plan).status();
}

}  // namespace sicoop::spark
