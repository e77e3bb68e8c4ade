#include "spark/reader.h"

#include "spark/internal/client.h"

namespace sicoop::spark {

DataFrameReader& DataFrameReader::Format(std::string format) {
  format_ = std::move(format);
  return *this;
}

DataFrameReader& DataFrameReader::Option(const std::string& key, std::string value) {
  options_[key] = std::move(value);
  return *this;
}

DataFrameReader& DataFrameReader::Options(const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options) options_[key] = value;
  return *this;
}

DataFrameReader& DataFrameReader::Predicates(std::vector<std::string> predicates) {
  predicates_ = std::move(predicates);
  return *this;
}

DataFrame DataFrameReader::Load(const std::vector<std::string>& paths) {
  auto relation = std::make_shared<proto::Relation>();
  auto* source = relation->mutable_read()->mutable_data_source();
  if (!format_.empty()) source->set_format(format_);
  for (const auto& [key, value] : options_) (*source->mutable_options())[key] = value;
  for (const auto& path : paths) source->add_paths(path);
  for (const auto& predicate : predicates_) source->add_predicates(predicate);
  return DataFrame(session_, std::move(relation));
}

}  // namespace sicoop::spark
