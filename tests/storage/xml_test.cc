#include "storage/xml.h"

#include <gtest/gtest.h>

namespace sicoop::storage {
namespace {

TEST(XmlTest, TextOfTheFirstElementDecoded) {
  std::string xml =
      "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>a &lt;key&gt; &amp; &quot;it&apos;s&quot;"
      "</Message></Error>";
  EXPECT_EQ(XmlText(xml, "Code"), "NoSuchKey");
  EXPECT_EQ(XmlText(xml, "Message"), "a <key> & \"it's\"");
  EXPECT_EQ(XmlText(xml, "Resource"), std::nullopt);
}

TEST(XmlTest, ElementsWithAttributesAndSelfClosing) {
  std::string xml =
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Prefix/>"
      "<Contents><Key>a/1</Key><Size>3</Size></Contents>\n<Contents><Key>a/2</Key><Size>40</Size></Contents>"
      "</ListBucketResult>";
  std::vector<std::string_view> contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlText(contents[1], "Key"), "a/2");
  EXPECT_EQ(XmlText(contents[1], "Size"), "40");
  EXPECT_EQ(XmlText(xml, "Prefix"), "");
  EXPECT_EQ(XmlText(xml, "ListBucketResult")->substr(0, 8), "<Prefix/");
}

TEST(XmlTest, NameThatIsAPrefixOfAnotherIsNotConfused) {
  std::string xml = "<UploadIdMarker>x</UploadIdMarker><UploadId>2~abc</UploadId>";
  EXPECT_EQ(XmlText(xml, "UploadId"), "2~abc");
}

TEST(XmlTest, NumericReferencesBecomeUtf8) {
  EXPECT_EQ(XmlDecode("&#34;etag&#x22; &#233;&#x20AC;"), "\"etag\" \xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(XmlDecode("a & b &unknown; &#xZZ;"), "a & b &unknown; &#xZZ;");
}

TEST(XmlTest, EscapeRoundTrips) {
  std::string text = "\"9b2cf535f27731c974343645a3985328\" <&>";
  EXPECT_EQ(XmlEscape(text), "\"9b2cf535f27731c974343645a3985328\" &lt;&amp;&gt;");
  EXPECT_EQ(XmlDecode(XmlEscape(text)), text);
}

}  // namespace
}  // namespace sicoop::storage
