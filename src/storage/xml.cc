#include "storage/xml.h"

#include <cstdint>
#include <cstdlib>

namespace sicoop::storage {
namespace {

// Appends the UTF-8 encoding of `code_point`.
void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// The position just past the opening tag `<tag>` / `<tag attr...>` found at or after `from`, and
// whether it closed itself (`<tag/>`); npos when there is none.
size_t FindOpening(std::string_view xml, std::string_view tag, size_t from, bool& self_closing) {
  while ((from = xml.find('<', from)) != std::string_view::npos) {
    size_t name_end = from + 1 + tag.size();
    if (xml.compare(from + 1, tag.size(), tag) == 0 && name_end < xml.size() &&
        (xml[name_end] == '>' || xml[name_end] == '/' || xml[name_end] == ' ' || xml[name_end] == '\t' ||
         xml[name_end] == '\n' || xml[name_end] == '\r')) {
      size_t close = xml.find('>', name_end);
      if (close == std::string_view::npos) return close;
      self_closing = xml[close - 1] == '/';
      return close + 1;
    }
    ++from;
  }
  return from;
}

}  // namespace

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> elements;
  std::string closing = "</" + std::string(tag) + ">";
  size_t position = 0;
  while (true) {
    bool self_closing = false;
    size_t start = FindOpening(xml, tag, position, self_closing);
    if (start == std::string_view::npos) break;
    if (self_closing) {
      elements.emplace_back();
      position = start;
      continue;
    }
    size_t end = xml.find(closing, start);
    if (end == std::string_view::npos) break;
    elements.push_back(xml.substr(start, end - start));
    position = end + closing.size();
  }
  return elements;
}

std::optional<std::string> XmlText(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> elements = XmlElements(xml, tag);
  if (elements.empty()) return std::nullopt;
  return XmlDecode(elements.front());
}

std::string XmlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    size_t semicolon = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semicolon == std::string_view::npos || semicolon - i > 10) {
      out += text[i];
      continue;
    }
    std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string digits(entity.substr(hex ? 2 : 1));
      char* end = nullptr;
      unsigned long code_point = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || code_point > 0x10FFFF) {
        out += text[i];
        continue;
      }
      AppendUtf8(static_cast<uint32_t>(code_point), out);
    } else {
      out += text[i];
      continue;
    }
    i = semicolon;
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

}  // namespace sicoop::storage
