// A real browser for the tests of the HTML reports: Debian's chromium-headless-shell, run on a local
// file with a throwaway profile, no name resolving (nothing it asks for leaves the machine), bounded
// in time, and every process it started stopped before the call returns.
//
// What Chromium tells, found by trying it (Chromium 156): with --enable-logging=stderr its log goes
// to stderr; every console message and uncaught script error is a line
//   [...:INFO:CONSOLE:<line>] "<message>", source: <url> (<line>)
// whatever its level (console.log and console.error alike), and with --v=1 every request that goes
// through the network stack is a line "NetworkDelegate::NotifyBeforeURLRequest: <url>" (file: URLs
// do not, so a page that opens offline logs none).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sicoop::testing {

struct BrowserRun {
  std::string error;                  // why the browser gave no answer; empty when it did
  std::string dom;                    // the document after load, serialized (--dump-dom)
  std::vector<std::string> console;   // console messages and uncaught errors, as logged
  std::vector<std::string> requests;  // URLs the page asked the network for
  std::string log;                    // the browser's whole stderr, for a failure message
  std::string folder;                 // its throwaway profile folder, removed before the call returns
};

inline constexpr std::chrono::seconds kBrowserLimit{60};

// Opens `html_file` and returns its DOM, console and requests.
BrowserRun LoadInBrowser(const std::filesystem::path& html_file);

// Opens `html_file` in a window of width x height CSS pixels and writes what it shows to `png`;
// `dom` is left empty.
BrowserRun ScreenshotInBrowser(const std::filesystem::path& html_file, const std::filesystem::path& png, int width,
                               int height);

struct PngImage {
  int width = 0;
  int height = 0;
  int distinct_colours = 0;  // counted up to 16
};

// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes); nullopt with `error`
// set for anything else.
std::optional<PngImage> ReadPng(const std::filesystem::path& png, std::string& error);

// The number of bars (<rect class="bar">) in the <svg> of id `svg_id` in `dom`; -1 when the DOM has
// no such chart.
int BarsInChart(const std::string& dom, const std::string& svg_id);

// The pids of the processes whose command line holds `text`.
std::vector<int> ProcessesMentioning(const std::string& text);

}  // namespace sicoop::testing
