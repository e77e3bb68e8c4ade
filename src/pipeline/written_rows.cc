#include "pipeline/written_rows.h"

#include <fstream>
#include <vector>

namespace sicoop::pipeline {

namespace fs = std::filesystem;

int64_t WrittenRowsCounter::Poll() {
  std::error_code ec;
  // A file may vanish between listing and reading (a task commit moves it): skip it this time.
  for (fs::recursive_directory_iterator it(parts_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind("part-", 0) != 0 || !it->is_regular_file(ec)) continue;
    Part& part = parts_[name];
    uintmax_t size = it->file_size(ec);
    if (ec || size <= part.offset) continue;
    std::ifstream in(it->path(), std::ios::binary);
    in.seekg(static_cast<std::streamoff>(part.offset));
    std::vector<char> buffer(1 << 16);
    while (part.offset < size && in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())).gcount() > 0) {
      auto got = static_cast<uintmax_t>(in.gcount());
      part.records.Feed(std::string_view(buffer.data(), got));
      part.offset += got;
    }
  }
  int64_t total = 0;
  for (const auto& [name, part] : parts_) total += part.records.records();
  return total;
}

}  // namespace sicoop::pipeline
