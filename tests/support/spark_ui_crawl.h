// Every page of a live Spark web UI, fetched link by link from given start pages: what the tests
// that look for secrets on the UI search.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sicoop::testing {

struct Crawl {
  std::map<std::string, std::string> pages;  // path -> body, of every page answered with 200
  std::vector<std::string> failures;         // "path: status" of every other answer
};

// The start pages of a crawl: the UI's front page and each of its tabs.
std::vector<std::string> SparkUiSections();

// Fetches `start` and every page of the UI on 127.0.0.1:port reachable from it by links, each once,
// redirects followed. Left out: the kill links (a GET there would stop a job), static files, and
// re-sorted or re-paged copies of a table, which show the same rows again.
Crawl CrawlUi(int port, const std::vector<std::string>& start);

// How many of the crawled pages' paths start with `prefix`.
size_t CountPagesStartingWith(const Crawl& crawl, const std::string& prefix);

}  // namespace sicoop::testing
