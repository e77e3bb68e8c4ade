#include "spark/internal/uuid.h"

#include <cctype>
#include <cstdint>
#include <random>

namespace sicoop::spark {

std::string NewUuid() {
  static thread_local std::mt19937_64 generator(std::random_device{}());
  uint64_t high = generator();
  uint64_t low = generator();
  high = (high & ~0xF000ULL) | 0x4000ULL;               // version 4
  low = (low & ~(0xC0ULL << 56)) | (0x80ULL << 56);     // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  auto append = [&out](uint64_t value, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) out += kHex[(value >> (4 * i)) & 0xF];
  };
  append(high >> 32, 8);
  out += '-';
  append(high >> 16, 4);
  out += '-';
  append(high, 4);
  out += '-';
  append(low >> 48, 4);
  out += '-';
  append(low, 12);
  return out;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

}  // namespace sicoop::spark
