#include "support/browser.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <thread>

#include "common/process.h"
#include "support/files.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

// Runs chromium-headless-shell with `flags` on `html_file` (stdout and stderr into files of a
// throwaway folder, which also holds the profile). Chromium's processes share the process group
// it is started in: the group is killed at the limit, and once the browser has exited, so that no
// helper process outlives the call.
BrowserRun RunBrowser(const fs::path& html_file, std::vector<std::string> flags) {
  BrowserRun run;
  const std::string browser = FindOnPath("chromium-headless-shell");
  if (browser.empty()) {
    run.error = "chromium-headless-shell is not on PATH: install it (scripts/setup.sh, APT_PACKAGES)";
    return run;
  }
  char folder_template[] = "/tmp/sicoop-browser-XXXXXX";
  if (mkdtemp(folder_template) == nullptr) {
    run.error = "cannot make a folder for the browser's profile";
    return run;
  }
  const fs::path folder = folder_template;
  run.folder = folder.string();
  std::vector<std::string> argv = {
      browser,
      // The tests run as root in containers, where Chromium's sandbox cannot start.
      "--no-sandbox", "--user-data-dir=" + (folder / "profile").string(),
      // No name resolves: a page that asks for anything on the network gets nothing (and the
      // request is logged).
      "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-dev-shm-usage", "--disable-gpu", "--hide-scrollbars",
      "--enable-logging=stderr", "--v=1"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("file://" + fs::absolute(html_file).string());
  const fs::path out = folder / "stdout", err = folder / "stderr";
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int null_input = open("/dev/null", O_RDONLY);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    dup2(null_input, STDIN_FILENO);
    std::vector<char*> c_argv;
    for (std::string& arg : argv) c_argv.push_back(arg.data());
    c_argv.push_back(nullptr);
    execv(c_argv[0], c_argv.data());
    _exit(127);
  }
  if (pid < 0) {
    run.error = "fork failed";
    fs::remove_all(folder);
    return run;
  }
  setpgid(pid, pid);  // also from here: the group exists before either side goes on
  const auto deadline = std::chrono::steady_clock::now() + kBrowserLimit;
  int status = 0;
  bool exited = false;
  while (!exited) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    exited = done == pid || (done < 0 && errno != EINTR);
    if (exited) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      run.error = "chromium-headless-shell still ran after " + std::to_string(kBrowserLimit.count()) + " s: killed";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);  // whatever helper process of the browser is left
  run.dom = ReadWholeFile(out);
  run.log = ReadWholeFile(err);
  if (run.error.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    run.error = "chromium-headless-shell ended with status " + std::to_string(status);
  }
  std::istringstream lines(run.log);
  for (std::string line; std::getline(lines, line);) {
    const size_t console = line.find(":CONSOLE");
    if (console != std::string::npos) {
      const size_t message = line.find("] ", console);
      run.console.push_back(message == std::string::npos ? line : line.substr(message + 2));
    }
    static const std::string kRequest = "NetworkDelegate::NotifyBeforeURLRequest: ";
    const size_t request = line.find(kRequest);
    if (request != std::string::npos) run.requests.push_back(line.substr(request + kRequest.size()));
  }
  fs::remove_all(folder);
  return run;
}

uint32_t BigEndian(const unsigned char* bytes) {
  return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | bytes[3];
}

int Paeth(int left, int up, int up_left) {
  const int p = left + up - up_left;
  const int to_left = std::abs(p - left), to_up = std::abs(p - up), to_up_left = std::abs(p - up_left);
  if (to_left <= to_up && to_left <= to_up_left) return left;
  return to_up <= to_up_left ? up : up_left;
}

}  // namespace

BrowserRun LoadInBrowser(const fs::path& html_file) { return RunBrowser(html_file, {"--dump-dom"}); }

BrowserRun ScreenshotInBrowser(const fs::path& html_file, const fs::path& png, int width, int height) {
  return RunBrowser(html_file, {"--screenshot=" + fs::absolute(png).string(),
                                "--window-size=" + std::to_string(width) + "," + std::to_string(height)});
}

std::optional<PngImage> ReadPng(const fs::path& png, std::string& error) {
  const std::string file = ReadWholeFile(png);
  const auto* bytes = reinterpret_cast<const unsigned char*>(file.data());
  if (file.size() < 8 || file.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    error = png.string() + " is not a PNG file";
    return std::nullopt;
  }
  PngImage image;
  int channels = 0;
  std::string compressed;
  for (size_t at = 8; at + 12 <= file.size();) {
    const uint32_t length = BigEndian(bytes + at);
    const std::string type = file.substr(at + 4, 4);
    if (at + 12 + length > file.size()) break;
    const unsigned char* data = bytes + at + 8;
    if (type == "IHDR") {
      image.width = static_cast<int>(BigEndian(data));
      image.height = static_cast<int>(BigEndian(data + 4));
      const int depth = data[8], colour = data[9], interlace = data[12];
      channels = colour == 2 ? 3 : colour == 6 ? 4 : 0;
      if (depth != 8 || channels == 0 || interlace != 0) {
        error = png.string() + ": not an 8-bit RGB or RGBA non-interlaced PNG";
        return std::nullopt;
      }
    } else if (type == "IDAT") {
      compressed.append(reinterpret_cast<const char*>(data), length);
    }
    at += 12 + length;
  }
  const size_t stride = static_cast<size_t>(image.width) * channels;
  std::vector<unsigned char> raw((stride + 1) * static_cast<size_t>(image.height));
  uLongf raw_size = raw.size();
  if (channels == 0 || raw.empty() ||
      uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()), compressed.size()) != Z_OK ||
      raw_size != raw.size()) {
    error = png.string() + ": its image data does not decode to " + std::to_string(image.width) + "x" +
            std::to_string(image.height) + " pixels";
    return std::nullopt;
  }
  // Undoes each row's filter (PNG specification, section 9) and collects the colours seen.
  std::vector<unsigned char> previous(stride, 0), row(stride);
  std::set<std::string> colours;
  for (int y = 0; y < image.height; ++y) {
    const unsigned char* line = raw.data() + static_cast<size_t>(y) * (stride + 1);
    const int filter = line[0];
    for (size_t x = 0; x < stride; ++x) {
      const int left = x >= static_cast<size_t>(channels) ? row[x - channels] : 0;
      const int up = previous[x];
      const int up_left = x >= static_cast<size_t>(channels) ? previous[x - channels] : 0;
      const int predictor = filter == 1 ? left : filter == 2 ? up : filter == 3 ? (left + up) / 2
                            : filter == 4 ? Paeth(left, up, up_left) : 0;
      row[x] = static_cast<unsigned char>(line[1 + x] + predictor);
    }
    for (size_t x = 0; x < stride && colours.size() < 16; x += channels) {
      colours.insert(std::string(reinterpret_cast<const char*>(row.data() + x), channels));
    }
    previous.swap(row);
  }
  image.distinct_colours = static_cast<int>(colours.size());
  return image;
}

int BarsInChart(const std::string& dom, const std::string& svg_id) {
  const size_t start = dom.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + svg_id + "\"");
  if (start == std::string::npos) return -1;
  const size_t end = dom.find("</svg>", start);
  int bars = 0;
  for (size_t at = dom.find("<rect class=\"bar\"", start); at < end; at = dom.find("<rect class=\"bar\"", at + 1)) {
    ++bars;
  }
  return bars;
}

std::vector<int> ProcessesMentioning(const std::string& text) {
  std::vector<int> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string command_line = ReadWholeFile(entry.path() / "cmdline");
    if (command_line.find(text) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

}  // namespace sicoop::testing
