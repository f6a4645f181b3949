// SPDX-License-Identifier: Apache-2.0
#include "cli/record_files.hpp"

#include "cli/files.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace divert::cli {

static bool is_record_name(const std::string& name) {
  return name.starts_with("REF-") && name.size() > 9 && name.ends_with(".json");
}

static RecordFile read_record(const std::string& path, const std::string& name, bool with_signature) {
  RecordFile file;
  file.path = path;
  file.file_name = name;
  file.bytes = read_file(path);
  if (with_signature) {
    std::error_code ec;
    if (fs::is_regular_file(path + ".sshsig", ec)) {
      file.signature = read_file(path + ".sshsig");
    }
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
