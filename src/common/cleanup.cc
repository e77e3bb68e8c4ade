#include "common/cleanup.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <mutex>

namespace sicoop {
namespace {

enum class Action { kTerminateProcessGroup, kStopPostgresAndRemove, kAskAndWait, kRemoveFolder, kAskAndWaitLast };

// The order the handler runs the actions in, whatever order they were registered in: first the
// requests that stop Spark operations (their server must still be up to hear them), then the
// servers, then the folders that the operations and servers wrote into; last the release of the
// run's lock on an object store, once nothing of the run writes any more (a lock released earlier
// would let the next run start while Spark still writes into the prefix).
constexpr Action kActionOrder[] = {Action::kAskAndWait, Action::kTerminateProcessGroup,
                                   Action::kStopPostgresAndRemove, Action::kRemoveFolder,
                                   Action::kAskAndWaitLast};

// A slot is claimed (kFilling) by a registration, filled, then armed; the handler runs only armed
// slots, so it never reads half-written paths.
enum SlotState : int { kFree, kFilling, kArmed, kRunning };

struct Slot {
  std::atomic<int> state{kFree};
  Action action = Action::kTerminateProcessGroup;
  pid_t pid = 0;
  int request_fd = -1;
  int done_fd = -1;
  int timeout_ms = 0;
  char pid_file[PATH_MAX] = {};
  char folder[PATH_MAX] = {};
};

// sicoop runs at most one PostgreSQL, one Spark server and a Spark session or two at a time; the
// rest is headroom.
constexpr int kSlots = 8;
Slot g_slots[kSlots];

// SIGABRT too: std::terminate and failed asserts abort, and the servers must still stop.
constexpr int kTerminatingSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGABRT};
struct sigaction g_previous_actions[std::size(kTerminatingSignals)];
std::once_flag g_handlers_installed;

void SleepTenthOfASecond() {
  timespec tenth{0, 100'000'000};
  nanosleep(&tenth, nullptr);
}

// The pid on the first line of `pid_file`; 0 when there is none. Async-signal-safe.
pid_t PidFromFile(const char* pid_file) {
  int fd = open(pid_file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[32] = {};
  ssize_t size = read(fd, text, sizeof(text) - 1);
  close(fd);
  pid_t pid = 0;
  for (ssize_t i = 0; i < size && text[i] >= '0' && text[i] <= '9'; ++i) pid = pid * 10 + (text[i] - '0');
  return pid;
}

// Async-signal-safe: `rm -rf` of the slot's folder.
void RemoveFolder(const Slot& slot) {
  pid_t rm = fork();
  if (rm == 0) {
    char* argv[] = {const_cast<char*>("rm"), const_cast<char*>("-rf"), const_cast<char*>("--"),
                    const_cast<char*>(slot.folder), nullptr};
    execv("/bin/rm", argv);
    _exit(127);
  }
  if (rm > 0) waitpid(rm, nullptr, 0);
}

// Async-signal-safe: a fast shutdown of the postmaster (SIGINT; an immediate one, SIGQUIT, after
// 10 s; at most 15 s in all), then `rm -rf` of the folder.
void StopPostgresAndRemove(const Slot& slot) {
  pid_t postmaster = PidFromFile(slot.pid_file);
  if (postmaster > 0 && kill(postmaster, SIGINT) == 0) {
    for (int i = 0; i < 150 && kill(postmaster, 0) == 0; ++i) {
      if (i == 100) kill(postmaster, SIGQUIT);
      SleepTenthOfASecond();
    }
  }
  RemoveFolder(slot);
}

void RunAction(const Slot& slot) {
  switch (slot.action) {
    case Action::kTerminateProcessGroup:
      kill(-slot.pid, SIGTERM);
      break;
    case Action::kStopPostgresAndRemove:
      StopPostgresAndRemove(slot);
      break;
    case Action::kAskAndWait:
    case Action::kAskAndWaitLast: {
      (void)!write(slot.request_fd, "!", 1);
      pollfd done{slot.done_fd, POLLIN, 0};
      poll(&done, 1, slot.timeout_ms);
      break;
    }
    case Action::kRemoveFolder:
      RemoveFolder(slot);
      break;
  }
}

void RunRegisteredActions() {
  for (Action action : kActionOrder) {
    for (Slot& slot : g_slots) {
      // The action is set before the slot is armed, so an armed slot's action can be read.
      if (slot.state.load() != kArmed || slot.action != action) continue;
      int armed = kArmed;
      if (slot.state.compare_exchange_strong(armed, kRunning)) RunAction(slot);
    }
  }
}

// Runs the actions, then lets the signal do what it would have done: the previous disposition is
// restored and the signal raised again (blocked until this handler returns).
void OnTerminatingSignal(int signal_number) {
  RunRegisteredActions();
  for (size_t i = 0; i < std::size(kTerminatingSignals); ++i) {
    if (kTerminatingSignals[i] == signal_number) sigaction(signal_number, &g_previous_actions[i], nullptr);
  }
  raise(signal_number);
}

void InstallHandlers() {
  struct sigaction action {};
  action.sa_handler = OnTerminatingSignal;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < std::size(kTerminatingSignals); ++i) {
    sigaction(kTerminatingSignals[i], nullptr, &g_previous_actions[i]);
    // An ignored signal (SIGHUP under nohup) ends nothing, so it must stop nothing either.
    if (g_previous_actions[i].sa_handler == SIG_IGN && kTerminatingSignals[i] != SIGABRT) continue;
    sigaction(kTerminatingSignals[i], &action, nullptr);
  }
}

// Claims a free slot (kFilling); -1 when all are taken.
int ClaimSlot() {
  std::call_once(g_handlers_installed, InstallHandlers);
  for (int i = 0; i < kSlots; ++i) {
    int free = kFree;
    if (g_slots[i].state.compare_exchange_strong(free, kFilling)) return i;
  }
  return -1;
}

}  // namespace

CleanupRegistration CleanupRegistration::TerminateProcessGroup(pid_t group_leader) {
  if (group_leader <= 0) return CleanupRegistration();
  int slot = ClaimSlot();
  if (slot < 0) return CleanupRegistration();
  g_slots[slot].action = Action::kTerminateProcessGroup;
  g_slots[slot].pid = group_leader;
  g_slots[slot].state = kArmed;
  return CleanupRegistration(slot);
}

CleanupRegistration CleanupRegistration::StopPostgresAndRemove(const std::string& pid_file,
                                                               const std::string& folder) {
  if (folder.empty() || pid_file.size() >= PATH_MAX || folder.size() >= PATH_MAX) return CleanupRegistration();
  int slot = ClaimSlot();
  if (slot < 0) return CleanupRegistration();
  g_slots[slot].action = Action::kStopPostgresAndRemove;
  std::snprintf(g_slots[slot].pid_file, PATH_MAX, "%s", pid_file.c_str());
  std::snprintf(g_slots[slot].folder, PATH_MAX, "%s", folder.c_str());
  g_slots[slot].state = kArmed;
  return CleanupRegistration(slot);
}

CleanupRegistration CleanupRegistration::RemoveFolder(const std::string& folder) {
  if (folder.empty() || folder.size() >= PATH_MAX) return CleanupRegistration();
  int slot = ClaimSlot();
  if (slot < 0) return CleanupRegistration();
  g_slots[slot].action = Action::kRemoveFolder;
  std::snprintf(g_slots[slot].folder, PATH_MAX, "%s", folder.c_str());
  g_slots[slot].state = kArmed;
  return CleanupRegistration(slot);
}

namespace {

// The armed slot of an AskAndWait action; -1 when there is none.
int ArmAskAndWait(Action action, int request_fd, int done_fd, int timeout_ms) {
  if (request_fd < 0 || done_fd < 0) return -1;
  int slot = ClaimSlot();
  if (slot < 0) return -1;
  g_slots[slot].action = action;
  g_slots[slot].request_fd = request_fd;
  g_slots[slot].done_fd = done_fd;
  g_slots[slot].timeout_ms = timeout_ms;
  g_slots[slot].state = kArmed;
  return slot;
}

}  // namespace

CleanupRegistration CleanupRegistration::AskAndWait(int request_fd, int done_fd, int timeout_ms) {
  return CleanupRegistration(ArmAskAndWait(Action::kAskAndWait, request_fd, done_fd, timeout_ms));
}

CleanupRegistration CleanupRegistration::AskAndWaitLast(int request_fd, int done_fd, int timeout_ms) {
  return CleanupRegistration(ArmAskAndWait(Action::kAskAndWaitLast, request_fd, done_fd, timeout_ms));
}

CleanupRegistration::CleanupRegistration(CleanupRegistration&& other) noexcept : slot_(other.slot_) {
  other.slot_ = -1;
}

CleanupRegistration& CleanupRegistration::operator=(CleanupRegistration&& other) noexcept {
  if (this != &other) {
    Release();
    slot_ = other.slot_;
    other.slot_ = -1;
  }
  return *this;
}

CleanupRegistration::~CleanupRegistration() { Release(); }

void CleanupRegistration::Release() {
  if (slot_ < 0) return;
  g_slots[slot_].state = kFree;
  slot_ = -1;
}

}  // namespace sicoop
