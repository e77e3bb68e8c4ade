// Random (version 4) UUIDs, the form Spark Connect wants for session and operation ids.
#pragma once

#include <string>
#include <string_view>

namespace sicoop::spark {

// A new random UUID in canonical form: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower-case hex.
std::string NewUuid();

// True when `text` is a UUID in canonical 8-4-4-4-12 hex form (any version, either case).
bool IsUuid(std::string_view text);

}  // namespace sicoop::spark
