// Writing JSON by hand for the few small documents sicoop emits (summaries, run manifests): a
// string quoted and escaped as RFC 8259 says, seconds as a fixed-point number.
#pragma once

#include <string>

namespace sicoop {

// `text` as a JSON string: quotes, backslashes and control characters escaped; other bytes as they
// are (UTF-8 passes through).
std::string JsonString(const std::string& text);

// `seconds` with three decimals, as a JSON number.
std::string JsonSeconds(double seconds);

}  // namespace sicoop
