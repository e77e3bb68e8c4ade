#include "report/html.h"

#include <gtest/gtest.h>

namespace sicoop::report {
namespace {

TEST(HtmlEscapeTest, MarkupAndQuotesBecomeCharacterReferences) {
  EXPECT_EQ(HtmlEscape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
}

TEST(HtmlEscapeTest, Utf8AndPlainTextPassThrough) {
  EXPECT_EQ(HtmlEscape("Drogaria São Paulo 💳 - Goiânia"), "Drogaria São Paulo 💳 - Goiânia");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(HtmlEscapeTest, AnEscapedReferenceIsEscapedAgainNotDecoded) {
  EXPECT_EQ(HtmlEscape("&lt;"), "&amp;lt;");
}

TEST(HtmlPageTest, APageIsUtf8Html5WithItsTitleEscapedAndPrintRules) {
  const std::string page = HtmlPage("a <b> & c", "<p>body</p>");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(page.find("<title>a &lt;b&gt; &amp; c</title>"), std::string::npos);
  EXPECT_NE(page.find("<p>body</p>"), std::string::npos);
  EXPECT_NE(page.find("@page { size: A4;"), std::string::npos);
  EXPECT_NE(page.find("thead { display: table-header-group; }"), std::string::npos);
  // Nothing the page would fetch: it must open offline.
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::report
