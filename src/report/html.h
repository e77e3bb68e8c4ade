// The text of the report pages: every text that comes from data goes through HtmlEscape before it
// reaches a page, in an element's content or in an attribute's value alike.
#pragma once

#include <string>
#include <string_view>

namespace sicoop::report {

// `text` with &, <, >, " and ' replaced by their character references, so that it reads as text in
// an element's content and in a quoted attribute's value. UTF-8 passes through unchanged.
std::string HtmlEscape(std::string_view text);

// A whole HTML5 page in UTF-8 with the reports' inline style (page_style.h): `title` is escaped,
// `body` is markup the caller built with its texts escaped.
std::string HtmlPage(std::string_view title, std::string_view body);

}  // namespace sicoop::report
