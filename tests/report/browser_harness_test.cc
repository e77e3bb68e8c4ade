// The browser harness itself (support/browser.h): each of its checks can fail. A page that logs to
// the console, one whose script throws, and one that asks the network for an image are caught; a
// blank page's screenshot has one colour.
#include <gtest/gtest.h>

#include <fstream>

#include "support/browser.h"
#include "support/files.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

class BrowserHarnessTest : public ::testing::Test {
 protected:
  void SetUp() override { folder_ = MakeTestFolder("sicoop-browser"); }
  void TearDown() override { fs::remove_all(folder_); }

  fs::path Page(const std::string& body) {
    const fs::path file = folder_ / "page.html";
    std::ofstream(file) << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>" << body
                        << "</body></html>";
    return file;
  }

  fs::path folder_;
};

TEST_F(BrowserHarnessTest, ConsoleErrorsAndUncaughtExceptionsAreReported) {
  const BrowserRun run = LoadInBrowser(Page("<p>x</p><script>console.error('deliberate'); missing();</script>"));
  ASSERT_EQ(run.error, "") << run.log;
  ASSERT_EQ(run.console.size(), 2u) << run.log;
  EXPECT_NE(run.console[0].find("\"deliberate\""), std::string::npos) << run.console[0];
  EXPECT_NE(run.console[1].find("Uncaught ReferenceError: missing is not defined"), std::string::npos)
      << run.console[1];
  EXPECT_NE(run.dom.find("<p>x</p>"), std::string::npos);
}

TEST_F(BrowserHarnessTest, ARequestToTheNetworkIsReportedAndGoesNowhere) {
  const BrowserRun run = LoadInBrowser(Page("<img src=\"https://example.com/logo.png\" alt=\"\">"));
  ASSERT_EQ(run.error, "") << run.log;
  EXPECT_EQ(run.requests, std::vector<std::string>{"https://example.com/logo.png"});
  EXPECT_TRUE(run.console.empty());
}

TEST_F(BrowserHarnessTest, ABlankPageScreenshotHasOneColourAndNoProcessIsLeft) {
  const fs::path png = folder_ / "blank.png";
  const BrowserRun run = ScreenshotInBrowser(Page(""), png, 320, 200);
  ASSERT_EQ(run.error, "") << run.log;
  std::string error;
  const std::optional<PngImage> image = ReadPng(png, error);
  ASSERT_TRUE(image) << error;
  EXPECT_EQ(image->width, 320);
  EXPECT_EQ(image->height, 200);
  EXPECT_EQ(image->distinct_colours, 1);
  EXPECT_EQ(ProcessesMentioning(run.folder), std::vector<int>{});
  EXPECT_FALSE(ReadPng(folder_ / "page.html", error));
  EXPECT_NE(error.find("is not a PNG file"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::testing
