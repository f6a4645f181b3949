// SPDX-License-Identifier: Apache-2.0
#include "cli/record_files.hpp"

#include "cli/files.hpp"

#include "core/base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <utility>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace divert::cli {

static bool is_record_name(const std::string& name) {
  return name.starts_with("REF-") && name.size() > 9 && name.ends_with(".json");
}

// What reading one file gave: its bytes, or why it was not read.
struct FileRead {
  bool exists = true;
  std::string bytes;
  std::string problem; // empty when read
  dev_t device = 0;
  ino_t inode = 0;
};

static std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Reads a regular file of at most k_max_record_file_bytes with plain read(2) (verify reads two
// small files per record, and this is several times cheaper than a stream). A folder is not
// trusted: a FIFO, a device or a directory under a record's name is reported, never waited on
// (O_NONBLOCK, then fstat), and a name found in a folder (`follow` false) is not followed
// when it is a symbolic link.
static FileRead read_regular(const std::string& path, bool follow) {
  FileRead out;
  const Fd file(::open(path.c_str(),
                       O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (follow ? 0 : O_NOFOLLOW)));
  const int fd = file.get();
  if (!file) {
    const int err = errno;
    if (err == ENOENT) {
      out.exists = false;
    } else if (err == ELOOP && !follow) {
      out.problem = "a symbolic link (not followed)";
    } else {
      out.problem = fmt::format("cannot open: {}", std::strerror(err));
    }
    return out;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.problem = fmt::format("cannot read: {}", std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    out.problem = kind_of(st.st_mode) + ", not a regular file";
  } else if (static_cast<unsigned long long>(st.st_size) > k_max_record_file_bytes) {
    out.problem = fmt::format("larger than {} bytes (not a record)", k_max_record_file_bytes);
  }
  out.device = st.st_dev;
  out.inode = st.st_ino;
  if (out.problem.empty()) {
    out.bytes.reserve(static_cast<size_t>(st.st_size));
    char buffer[16384];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        out.problem = fmt::format("cannot read: {}", std::strerror(errno));
        break;
      }
      if (n == 0) break;
      out.bytes.append(buffer, static_cast<size_t>(n));
      if (out.bytes.size() > k_max_record_file_bytes) { // it grew while being read
        out.problem = fmt::format("larger than {} bytes (not a record)", k_max_record_file_bytes);
        break;
      }
    }
    if (!out.problem.empty()) out.bytes.clear();
  }
  return out;
}

std::optional<std::string> read_signature_file(const std::string& path, std::string& problem) {
  FileRead read = read_regular(path, true);
  problem = read.problem;
  if (!read.exists || !read.problem.empty()) {
    return std::nullopt;
  }
  return std::move(read.bytes);
}

// Record files already taken, by device and inode: a file named twice (itself and its
// folder) is one record.
using Seen = std::set<std::pair<dev_t, ino_t>>;

static void add_record(FoundRecords& found, Seen& seen, const std::string& path,
                       const std::string& name, bool follow, bool with_signature) {
  FileRead read = read_regular(path, follow);
  if (!read.exists) {
    throw MissingInputError(fmt::format("{}: no such file", path));
  }
  if (read.problem.empty() && !seen.insert({read.device, read.inode}).second) {
    return;
  }
  RecordFile file;
  file.path = path;
  file.file_name = name;
  file.bytes = std::move(read.bytes);
  file.unreadable = std::move(read.problem);
  if (with_signature && file.unreadable.empty()) {
    FileRead signature = read_regular(path + ".sshsig", follow);
    if (!signature.problem.empty()) {
      file.signature_unreadable = fmt::format("{}.sshsig: {}", name, signature.problem);
    } else if (signature.exists) {
      file.signature = std::move(signature.bytes);
    }
  }
  found.records.push_back(std::move(file));
}

FoundRecords find_records(const std::vector<std::string>& paths, bool with_signatures) {
  FoundRecords found;
  Seen seen;
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      throw MissingInputError(fmt::format("{}: no such file or directory", arg));
    }
    if (!fs::is_directory(st)) {
      add_record(found, seen, arg, fs::path(arg).filename().string(), true, with_signatures);
      continue;
    }
    std::vector<std::string> names;
    fs::directory_iterator it(arg, ec);
    if (ec) {
      throw MissingInputError(fmt::format("{}: cannot read the directory: {}", arg, ec.message()));
    }
    for (const fs::directory_entry& entry : it) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    const std::string prefix = arg.ends_with("/") ? arg : arg + "/";
    for (const std::string& name : names) {
      if (is_record_name(name)) {
        add_record(found, seen, prefix + name, name, false, with_signatures);
      } else if (name.ends_with(".json.sshsig") &&
                 is_record_name(name.substr(0, name.size() - 7)) &&
                 !std::binary_search(names.begin(), names.end(), name.substr(0, name.size() - 7))) {
        found.orphan_signatures.push_back(prefix + name);
      }
    }
  }
  return found;
}

} // namespace divert::cli
