#include "support/spark_ui_crawl.h"

#include <deque>
#include <regex>
#include <set>
#include <utility>

#include "support/http_get.h"

namespace sicoop::testing {
namespace {

// More than the UI of two small runs has (about 60); a crawl that reaches it has gone astray.
constexpr size_t kMaxPages = 600;

// The UI's own pages that `body` links to, as paths with their queries ("&amp;" decoded).
std::vector<std::string> LinkedPages(const std::string& body) {
  static const std::regex kHref(R"(href=["'](/[^"'#]*)["'])");
  std::vector<std::string> pages;
  for (std::sregex_iterator it(body.begin(), body.end(), kHref), end; it != end; ++it) {
    std::string page = std::regex_replace((*it)[1].str(), std::regex("&amp;"), "&");
    bool skipped = page.find("kill") != std::string::npos || page.rfind("/static/", 0) == 0 ||
                   page.find(".sort=") != std::string::npos || page.find(".page=") != std::string::npos ||
                   page.find(".pageSize=") != std::string::npos || page.find(".desc=") != std::string::npos;
    if (!skipped) pages.push_back(page);
  }
  return pages;
}

}  // namespace

std::vector<std::string> SparkUiSections() {
  return {"/", "/jobs/", "/stages/", "/storage/", "/environment/", "/executors/", "/SQL/", "/connect/"};
}

Crawl CrawlUi(int port, const std::vector<std::string>& start) {
  Crawl crawl;
  std::deque<std::string> queue(start.begin(), start.end());
  std::set<std::string> queued(start.begin(), start.end());
  while (!queue.empty() && crawl.pages.size() + crawl.failures.size() < kMaxPages) {
    const std::string path = queue.front();
    queue.pop_front();
    HttpResponse response = HttpGet(port, path);
    for (int redirects = 0; redirects < 5 && (response.status == 301 || response.status == 302); ++redirects) {
      std::smatch target;
      if (!std::regex_search(response.location, target, std::regex(R"(^(?:https?://[^/]*)?(/.*)$)"))) break;
      response = HttpGet(port, target[1].str());
    }
    if (response.status != 200) {
      crawl.failures.push_back(path + ": " + std::to_string(response.status));
      continue;
    }
    for (const std::string& linked : LinkedPages(response.body)) {
      if (queued.insert(linked).second) queue.push_back(linked);
    }
    crawl.pages[path] = std::move(response.body);
  }
  return crawl;
}

size_t CountPagesStartingWith(const Crawl& crawl, const std::string& prefix) {
  size_t count = 0;
  for (const auto& [path, body] : crawl.pages) count += path.rfind(prefix, 0) == 0 ? 1 : 0;
  return count;
}

}  // namespace sicoop::testing
