// SPDX-License-Identifier: Apache-2.0
#include "cli/publish.hpp"

#include "cli/test_hooks.hpp"

#include "core/record/canonical_json.hpp"
#include "core/base/error.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace divert::cli {

namespace {

[[noreturn]] void fail(int err, const std::string& what) {
  const std::string message = fmt::format("{}: {}", what, std::strerror(err));
  switch (err) {
  case EEXIST:
  case EACCES:
  case EPERM:
  case EROFS:
  case ENOTDIR:
  case ENOENT:
  case EISDIR:
  case ENAMETOOLONG: throw CannotCreateError(message);
  default: throw IoError(message);
  }
}

int open_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    fail(errno, fmt::format("cannot open {}", dir));
  }
  return fd;
}

void sync_dir(int dir_fd, const std::string& dir) {
  if (::fsync(dir_fd) != 0 && errno != EINVAL) {
    fail(errno, fmt::format("cannot sync {}", dir));
  }
}

class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

// Holds back SIGINT, SIGTERM, SIGHUP and SIGQUIT while files are published, so that an
// interruption is noticed at a checkpoint instead of killing the process between two renames.
class SignalHold {
public:
  SignalHold() {
    sigemptyset(&m_set);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&m_set, s);
    sigprocmask(SIG_BLOCK, &m_set, &m_old);
  }
  ~SignalHold() {
    // A signal that arrived after the point of no return is consumed: the work is done.
    const struct timespec zero {};
    while (pending() && sigtimedwait(&m_set, nullptr, &zero) > 0) {
    }
    sigprocmask(SIG_SETMASK, &m_old, nullptr);
  }
  SignalHold(const SignalHold&) = delete;
  SignalHold& operator=(const SignalHold&) = delete;

  bool pending() const {
    sigset_t now;
    sigemptyset(&now);
    sigpending(&now);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
      if (sigismember(&now, s) == 1) return true;
    }
    return false;
  }

private:
  sigset_t m_set{};
  sigset_t m_old{};
};

void write_all(int fd, const std::string& content, const std::string& what) {
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno, fmt::format("cannot write {}", what));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    fail(errno, fmt::format("cannot write {}", what));
  }
}

// Writes `content` to a new temporary file in `dir`; returns its name.
std::string write_temporary(int dir_fd, const std::string& dir, const std::string& name,
                            const std::string& content, unsigned mode) {
  std::string tmpl = fmt::format("{}/.{}.tmp-XXXXXX", dir, name);
  const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) {
    fail(errno, fmt::format("cannot create a file in {}", dir));
  }
  const std::string base = tmpl.substr(dir.size() + 1);
  try {
    Fd guard(fd);
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
      fail(errno, fmt::format("cannot set the mode of {}", tmpl));
    }
    write_all(fd, content, fmt::format("{}/{}", dir, name));
  } catch (...) {
    ::unlinkat(dir_fd, base.c_str(), 0);
    throw;
  }
  return base;
}

// Moves `from` to `to` within `dir_fd`, failing with EEXIST rather than replacing `to`.
int rename_noreplace(int dir_fd, const std::string& from, const std::string& to) {
  if (::renameat2(dir_fd, from.c_str(), dir_fd, to.c_str(), RENAME_NOREPLACE) == 0) {
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
    return errno;
  }
  // Filesystems without RENAME_NOREPLACE: link(2) never replaces either.
  if (::linkat(dir_fd, from.c_str(), dir_fd, to.c_str(), 0) != 0) {
    return errno;
  }
  ::unlinkat(dir_fd, from.c_str(), 0);
  return 0;
}

} // namespace

void make_private_dir(const std::string& dir) {
  if (dir.empty()) {
    throw CannotCreateError("empty directory name");
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      throw CannotCreateError(fmt::format("{} exists and is not a directory", dir));
    }
    return;
  }
  const size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    make_private_dir(dir.substr(0, slash));
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    fail(errno, fmt::format("cannot create the directory {}", dir));
  }
}

void publish_files(const std::string& dir, const std::vector<NewFile>& files) {
  make_private_dir(dir);
  Fd dir_fd(open_dir(dir));
  SignalHold hold;

  std::vector<std::string> temporaries;
  std::vector<std::string> published;
  auto clean_up = [&] {
    for (const std::string& name : temporaries) ::unlinkat(dir_fd.get(), name.c_str(), 0);
    for (const std::string& name : published) ::unlinkat(dir_fd.get(), name.c_str(), 0);
    ::fsync(dir_fd.get());
  };
  try {
    for (const NewFile& file : files) {
      temporaries.push_back(write_temporary(dir_fd.get(), dir, file.name, file.content, file.mode));
    }
    test_checkpoint("publish");
    for (size_t i = 0; i < files.size(); ++i) {
      if (hold.pending()) {
        throw Interrupted("interrupted; nothing was written");
      }
      if (const int err = rename_noreplace(dir_fd.get(), temporaries[i], files[i].name); err != 0) {
        if (err == EEXIST) {
          throw CannotCreateError(fmt::format("{}/{} already exists; divert never replaces a "
                                              "file it published",
                                              dir, files[i].name));
        }
        fail(err, fmt::format("cannot publish {}/{}", dir, files[i].name));
      }
      temporaries[i].clear();
      published.push_back(files[i].name);
      sync_dir(dir_fd.get(), dir);
    }
  } catch (...) {
    clean_up();
    throw;
  }
}

void replace_file(const std::string& path, const std::string& content) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  make_private_dir(dir);
  Fd dir_fd(open_dir(dir));
  const std::string tmp = write_temporary(dir_fd.get(), dir, name, content, 0600);
  if (::renameat(dir_fd.get(), tmp.c_str(), dir_fd.get(), name.c_str()) != 0) {
    const int err = errno;
    ::unlinkat(dir_fd.get(), tmp.c_str(), 0);
    fail(err, fmt::format("cannot replace {}", path));
  }
  sync_dir(dir_fd.get(), dir);
}

namespace {

struct DeviceState {
  long long seq = 0;
  std::optional<std::string> sha256;
};

DeviceState read_state(const std::string& path) {
  DeviceState state;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return state;
    fail(errno, fmt::format("cannot read the device state {}", path));
  }
  std::string text;
  {
    Fd guard(fd);
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
    if (n < 0) fail(errno, fmt::format("cannot read the device state {}", path));
  }
  try {
    const nlohmann::json j = parse_json_strict(text, path);
    state.seq = j.at("seq").get<long long>();
    if (j.at("sha256").is_string()) state.sha256 = j.at("sha256").get<std::string>();
  } catch (const std::exception&) {
    throw IoError(fmt::format("the device state {} is damaged; restore it from a backup (its seq "
                              "and sha256 are those of this device's last record)",
                              path));
  }
  return state;
}

class FileLock {
public:
  explicit FileLock(const std::string& path) {
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) fail(errno, fmt::format("cannot open the lock {}", path));
    while (::flock(m_fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const int err = errno;
        ::close(m_fd);
        fail(err, fmt::format("cannot lock {}", path));
      }
    }
  }
  ~FileLock() { ::close(m_fd); } // closing releases the lock
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  int m_fd = -1;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Removes REF-*.json.sshsig without a REF-*.json (a crash between the two renames) and
// temporary files a crash left behind.
void remove_leftovers(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  for (const std::string& name : names) {
    const bool orphan = name.starts_with("REF-") && ends_with(name, ".json.sshsig") &&
                        ::access((dir + "/" + name.substr(0, name.size() - 7)).c_str(), F_OK) != 0;
    const bool temporary = name.starts_with(".REF-") && name.find(".tmp-") != std::string::npos;
    if (orphan || temporary) {
      ::unlink((dir + "/" + name).c_str());
    }
  }
}

} // namespace

PublishedRecord publish_record(
    const std::string& records_dir, const std::string& state_dir, const std::string& device_id,
    const std::function<SignedRecord(long long seq, const std::optional<std::string>& prev)>& make) {
  const std::string devices = state_dir + "/devices";
  make_private_dir(devices);
  make_private_dir(records_dir);
  FileLock lock(fmt::format("{}/{}.lock", devices, device_id));
  const std::string state_path = fmt::format("{}/{}.json", devices, device_id);
  const DeviceState state = read_state(state_path);

  const SignedRecord record = make(state.seq + 1, state.sha256);
  PublishedRecord out;
  out.id = record.record_id;
  out.seq = state.seq + 1;
  out.sha256 = sha256_hex(record.json);
  const std::string name = fmt::format("REF-{}.json", record.record_id);
  out.path = records_dir + "/" + name;
  out.signature_path = out.path + ".sshsig";

  remove_leftovers(records_dir);
  publish_files(records_dir, {{name + ".sshsig", record.sshsig, 0600}, {name, record.json, 0600}});

  const nlohmann::json next = {{"device", device_id},
                               {"seq", out.seq},
                               {"sha256", out.sha256},
                               {"record_id", out.id}};
  try {
    replace_file(state_path, next.dump() + "\n");
  } catch (const Error& e) {
    throw IoError(fmt::format("the record {} was published, but the device state could not be "
                              "advanced ({}); fix this before the next screening, or the device "
                              "chain will fork",
                              out.path, e.what()));
  }
  return out;
}

} // namespace divert::cli
