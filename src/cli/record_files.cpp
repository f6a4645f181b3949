// SPDX-License-Identifier: Apache-2.0
#include "cli/record_files.hpp"

#include "core/base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace divert::cli {

static bool is_record_name(const std::string& name) {
  return name.starts_with("REF-") && name.size() > 9 && name.ends_with(".json");
}

// Reads a whole file with plain read(2): verify reads two small files per record, and this is
// several times cheaper than a stream. nullopt when the file does not exist.
static std::optional<std::string> slurp(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw MissingInputError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out.reserve(static_cast<size_t>(st.st_size));
  }
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw MissingInputError(fmt::format("{}: cannot read: {}", path, std::strerror(err)));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

static RecordFile read_record(const std::string& path, const std::string& name, bool with_signature) {
  RecordFile file;
  file.path = path;
  file.file_name = name;
  std::optional<std::string> bytes = slurp(path);
  if (!bytes) {
    throw MissingInputError(fmt::format("{}: no such file", path));
  }
  file.bytes = std::move(*bytes);
  if (with_signature) {
    file.signature = slurp(path + ".sshsig");
  }
  return file;
}

FoundRecords find_records(const std::vector<std::string>& paths, bool with_signatures) {
  FoundRecords found;
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      throw MissingInputError(fmt::format("{}: no such file or directory", arg));
    }
    if (!fs::is_directory(st)) {
      found.records.push_back(read_record(arg, fs::path(arg).filename().string(), with_signatures));
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
        found.records.push_back(read_record(prefix + name, name, with_signatures));
      } else if (name.ends_with(".json.sshsig") && is_record_name(name.substr(0, name.size() - 7)) &&
                 !std::binary_search(names.begin(), names.end(), name.substr(0, name.size() - 7))) {
        found.orphan_signatures.push_back(prefix + name);
      }
    }
  }
  return found;
}

} // namespace divert::cli
