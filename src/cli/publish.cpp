// SPDX-License-Identifier: Apache-2.0
#include "cli/publish.hpp"

#include "cli/files.hpp"
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
#include <filesystem>
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
    while (pending() && sigtimedwait(&m_set, nullptr, &zero) > 0) {}
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
                            const std::string& content, unsigned mode, const std::string& owner) {
  std::string tmpl = owner.empty() ? fmt::format("{}/.{}.tmp-XXXXXX", dir, name)
                                   : fmt::format("{}/.{}.tmp-{}-XXXXXX", dir, name, owner);
  const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) {
    fail(errno, fmt::format("cannot create a file in {}", dir));
  }
  std::string base = tmpl.substr(dir.size() + 1);
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

void publish_files(const std::string& dir, const std::vector<NewFile>& files,
                   const std::string& owner) {
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
      temporaries.push_back(
          write_temporary(dir_fd.get(), dir, file.name, file.content, file.mode, owner));
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
      test_checkpoint("renamed");
    }
  } catch (...) {
    clean_up();
    throw;
  }
}

void replace_file(const std::string& path, const std::string& content, const std::string& owner,
                  unsigned mode) {
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  make_private_dir(dir);
  Fd dir_fd(open_dir(dir));
  const std::string tmp = write_temporary(dir_fd.get(), dir, name, content, mode, owner);
  if (::renameat(dir_fd.get(), tmp.c_str(), dir_fd.get(), name.c_str()) != 0) {
    const int err = errno;
    ::unlinkat(dir_fd.get(), tmp.c_str(), 0);
    fail(err, fmt::format("cannot replace {}", path));
  }
  sync_dir(dir_fd.get(), dir);
}

namespace {

// What a device's state file holds: its last published record, and the record it reserved the
// next seq for, if that publish has not been settled yet (see publish_record).
struct Reservation {
  long long seq = 0;
  std::string record_id;
  std::string records_dir;
  std::string sha256;           // of the record file
  std::string signature_sha256; // of its .sshsig
};

struct DeviceState {
  long long seq = 0;
  std::optional<std::string> sha256;
  std::string record_id;
  std::optional<Reservation> pending;
};

[[noreturn]] void damaged(const std::string& path) {
  throw IoError(fmt::format("the device state {} is damaged; restore it from a backup (its seq "
                            "and sha256 are those of this device's last record)",
                            path));
}

DeviceState read_state(const std::string& path) {
  DeviceState state;
  const std::optional<std::string> text = read_if_exists(path, "the device state");
  if (!text) {
    return state;
  }
  try {
    const nlohmann::json j = parse_json_strict(*text, path);
    state.seq = j.at("seq").get<long long>();
    if (j.at("sha256").is_string()) state.sha256 = j.at("sha256").get<std::string>();
    if (j.contains("record_id")) state.record_id = j.at("record_id").get<std::string>();
    if (j.contains("pending") && !j.at("pending").is_null()) {
      const nlohmann::json& p = j.at("pending");
      state.pending =
          Reservation{p.at("seq").get<long long>(), p.at("record_id").get<std::string>(),
                      p.at("records").get<std::string>(), p.at("sha256").get<std::string>(),
                      p.at("signature_sha256").get<std::string>()};
    }
  } catch (const std::exception&) {
    damaged(path);
  }
  if (state.seq < 0 || (state.pending && state.pending->seq != state.seq + 1)) {
    damaged(path);
  }
  return state;
}

std::string state_text(const std::string& device_id, const DeviceState& state) {
  nlohmann::json j = {{"device", device_id},
                      {"seq", state.seq},
                      {"sha256", state.sha256 ? nlohmann::json(*state.sha256) : nlohmann::json()},
                      {"record_id", state.record_id},
                      {"pending", nullptr}};
  if (const std::optional<Reservation>& p = state.pending) {
    j["pending"] = {{"seq", p->seq},
                    {"record_id", p->record_id},
                    {"records", p->records_dir},
                    {"sha256", p->sha256},
                    {"signature_sha256", p->signature_sha256}};
  }
  return j.dump() + "\n";
}

class FileLock {
public:
  explicit FileLock(const std::string& path)
      : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (m_fd.get() < 0) fail(errno, fmt::format("cannot open the lock {}", path));
    while (::flock(m_fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) fail(errno, fmt::format("cannot lock {}", path));
    }
  }

private:
  Fd m_fd; // closing releases the lock
};

// Whether `name` is a temporary file that publish_files made for `owner`:
// ".<final name>.tmp-<owner>-XXXXXX".
bool temporary_of(const std::string& name, const std::string& owner) {
  const size_t tmp = name.find(".tmp-");
  if (!name.starts_with('.') || tmp == std::string::npos) return false;
  const std::string_view rest = std::string_view(name).substr(tmp + 5);
  return rest.size() == owner.size() + 7 && rest.starts_with(owner) && rest[owner.size()] == '-';
}

// Removes the temporary files `owner` left in `dir` (a crash while publishing). Only its own:
// other devices may be publishing into the same folder at this very moment.
void remove_temporaries(const std::string& dir, const std::string& owner) {
  const std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return;
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d.get())) {
    if (temporary_of(e->d_name, owner)) names.emplace_back(e->d_name);
  }
  for (const std::string& name : names) ::unlink((dir + "/" + name).c_str());
}

// The sha256 of a file's bytes, nullopt when it does not exist.
std::optional<std::string> file_sha256(const std::string& path) {
  const std::optional<std::string> text = read_if_exists(path, "the record");
  return text ? std::optional(sha256_hex(*text)) : std::nullopt;
}

// Settles a reservation left by a publish that did not finish (a crash, a kill, a full disk):
// if its record was published, it becomes the device's last record; if not, its seq is free
// again (the next record takes it, so the chain has no gap) and its orphan signature, if that
// is still exactly the one it made, goes.
void settle(DeviceState& state) {
  if (!state.pending) return;
  const Reservation p = *state.pending;
  const std::string json = fmt::format("{}/REF-{}.json", p.records_dir, p.record_id);
  struct stat st {};
  if (::stat(p.records_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw IoError(fmt::format("cannot tell whether the record {} (seq {} of this device) was "
                              "published: its records directory {} is not there; make it "
                              "available again, so that the device chain neither forks nor "
                              "has a gap",
                              json, p.seq, p.records_dir));
  }
  if (file_sha256(json) == p.sha256) {
    state.seq = p.seq;
    state.sha256 = p.sha256;
    state.record_id = p.record_id;
  } else if (file_sha256(json + ".sshsig") == p.signature_sha256 && !file_sha256(json)) {
    ::unlink((json + ".sshsig").c_str());
  }
  state.pending.reset();
}

// Both files of a published record, each with the bytes that were signed.
void check_in_place(const PublishedRecord& out, const SignedRecord& record) {
  if (file_sha256(out.path) != out.sha256 ||
      file_sha256(out.signature_path) != sha256_hex(record.sshsig)) {
    throw IoError(fmt::format("{} or its signature {} is not as it was published; check the "
                              "records directory",
                              out.path, out.signature_path));
  }
}

} // namespace

PublishedRecord publish_record(
    const std::string& records_dir, const std::string& state_dir, const std::string& device_id,
    const std::function<SignedRecord(long long seq, const std::optional<std::string>& prev)>&
        make) {
  const std::string devices = state_dir + "/devices";
  make_private_dir(devices);
  make_private_dir(records_dir);
  FileLock lock(fmt::format("{}/{}.lock", devices, device_id));
  const std::string state_path = fmt::format("{}/{}.json", devices, device_id);
  remove_temporaries(devices, device_id);
  DeviceState state = read_state(state_path);
  settle(state);
  remove_temporaries(records_dir, device_id);

  const SignedRecord record = make(state.seq + 1, state.sha256);
  PublishedRecord out;
  out.id = record.record_id;
  out.seq = state.seq + 1;
  out.sha256 = sha256_hex(record.json);
  const std::string name = fmt::format("REF-{}.json", record.record_id);
  out.path = records_dir + "/" + name;
  out.signature_path = out.path + ".sshsig";

  // The seq is reserved durably before anything is published: whatever happens next, the
  // next screening finds the reservation and settles it.
  // Absolute, so that the next screening finds it from any working directory.
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(records_dir, ec);
  const std::string records_path = ec ? records_dir : absolute.lexically_normal().string();
  state.pending = Reservation{out.seq, out.id, records_path, out.sha256, sha256_hex(record.sshsig)};
  try {
    replace_file(state_path, state_text(device_id, state), device_id);
  } catch (const Error& e) {
    throw IoError(fmt::format("nothing was published: cannot reserve seq {} in the device state "
                              "({})",
                              out.seq, e.what()));
  }
  test_checkpoint("reserved");

  publish_files(records_dir, {{name + ".sshsig", record.sshsig, 0600}, {name, record.json, 0600}},
                device_id);
  test_checkpoint("published");
  check_in_place(out, record);

  state.seq = out.seq;
  state.sha256 = out.sha256;
  state.record_id = out.id;
  state.pending.reset();
  try {
    replace_file(state_path, state_text(device_id, state), device_id);
  } catch (const Error& e) {
    // Harmless: the reservation names this record, so the next screening settles it.
    out.note = fmt::format("the device state could not be updated ({}); the next screening "
                           "will pick up from the reservation of this record",
                           e.what());
  }
  return out;
}

} // namespace divert::cli
