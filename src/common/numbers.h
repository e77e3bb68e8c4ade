// Whole numbers read from text that comes from outside (a database's answer, a command line, a
// state file): a bad value is a nullopt the caller turns into an error, never an exception.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sicoop {

// The decimal integer that is all of `text` (an optional '-' and digits); nullopt for anything else,
// an empty text or a value out of int64_t's range.
inline std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace sicoop
