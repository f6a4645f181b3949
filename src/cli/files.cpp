// SPDX-License-Identifier: Apache-2.0
#include "cli/files.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;

namespace divert::cli {

std::string read_stdin() {
  std::ostringstream buffer;
  buffer << std::cin.rdbuf();
  return buffer.str();
}

std::string read_file(const std::string& path) {
  if (path == "-") {
    return read_stdin();
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw MissingInputError(fmt::format("{}: is a directory, not a file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw MissingInputError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw MissingInputError(fmt::format("{}: read error", path));
  }
  return buffer.str();
}

static bool is_path(const std::string& reference) {
  return reference.find('/') != std::string::npos ||
         (reference.size() > 5 && reference.ends_with(".yaml")) ||
         (reference.size() > 4 && reference.ends_with(".yml"));
}

static std::vector<std::string> search_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("DIVERT_POLICY_PATH"); env != nullptr && *env != '\0') {
    std::string list = env;
    size_t start = 0;
    while (start <= list.size()) {
      const size_t colon = list.find(':', start);
      const std::string dir = list.substr(start, colon == std::string::npos ? std::string::npos
                                                                            : colon - start);
      if (!dir.empty()) {
        dirs.push_back(dir);
      }
      if (colon == std::string::npos) {
        break;
      }
      start = colon + 1;
    }
  }
#ifdef DIVERT_POLICY_DIR
  dirs.emplace_back(DIVERT_POLICY_DIR);
#endif
  dirs.emplace_back("policies");
  return dirs;
}

static PolicyText text_at(const fs::path& path) {
  PolicyText text;
  text.text = read_file(path.string());
  text.display_name = path.string();
  text.directory = path.parent_path().string();
  return text;
}

PolicyText find_policy(const std::string& reference) {
  if (is_path(reference)) {
    return text_at(reference);
  }
  for (const std::string& dir : search_dirs()) {
    const fs::path candidate = fs::path(dir) / (reference + ".yaml");
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      return text_at(candidate);
    }
  }
  throw MissingInputError(fmt::format(
      "no policy '{}' (looked in $DIVERT_POLICY_PATH, the installed policies and ./policies)",
      reference));
}

PolicyResolver policy_resolver() {
  return [](const std::string& reference,
            const std::string& from_directory) -> std::optional<PolicyText> {
    std::error_code ec;
    if (is_path(reference)) {
      const fs::path p = fs::path(from_directory) / reference;
      if (fs::is_regular_file(p, ec)) {
        return text_at(p);
      }
      return std::nullopt;
    }
    const fs::path beside = fs::path(from_directory.empty() ? "." : from_directory) /
                            (reference + ".yaml");
    if (fs::is_regular_file(beside, ec)) {
      PolicyText t = text_at(beside);
      if (from_directory.empty()) {
        t.display_name = reference + ".yaml";
      }
      return t;
    }
    try {
      return find_policy(reference);
    } catch (const MissingInputError&) {
      return std::nullopt;
    }
  };
}

Policy load_policy_arg(const std::string& reference, bool allow_abstract) {
  const PolicyText text = find_policy(reference);
  Policy policy = load_policy(text, policy_resolver());
  if (policy.is_abstract && !allow_abstract) {
    throw InputError(SourceLocation{text.display_name, 0, 0},
                     fmt::format("policy '{}' is abstract (a base for other policies); it cannot "
                                 "decide a case", policy.id));
  }
  return policy;
}

std::vector<std::string> shipped_policy_files() {
  for (const std::string& dir : search_dirs()) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      continue;
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".yaml") {
        files.push_back(entry.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    if (!files.empty()) {
      return files;
    }
  }
  return {};
}

} // namespace divert::cli
