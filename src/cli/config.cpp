// SPDX-License-Identifier: Apache-2.0
#include "cli/config.hpp"

#include "cli/entropy.hpp"
#include "cli/files.hpp"
#include "cli/publish.hpp"

#include "core/base/error.hpp"
#include "core/base/text_util.hpp"
#include "core/record/record.hpp"
#include "core/record/ulid.hpp"
#include "core/base/yaml_doc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace divert::cli {

// "" when neither the variable nor $HOME is set.
static std::string xdg_dir_or_empty(const char* variable, const char* fallback_under_home) {
  if (const char* value = std::getenv(variable); value != nullptr && value[0] == '/') {
    return value; // XDG: relative values are invalid and ignored
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return {};
  }
  return fmt::format("{}/{}", home, fallback_under_home);
}

static std::string xdg_dir(const char* variable, const char* fallback_under_home) {
  std::string dir = xdg_dir_or_empty(variable, fallback_under_home);
  if (dir.empty()) {
    throw KeyError(
        fmt::format("neither ${} nor $HOME is set: cannot find divert's files", variable));
  }
  return dir;
}

std::string config_dir() { return xdg_dir("XDG_CONFIG_HOME", ".config") + "/divert"; }
std::string state_dir() { return xdg_dir("XDG_STATE_HOME", ".local/state") + "/divert"; }
std::string data_dir() { return xdg_dir("XDG_DATA_HOME", ".local/share") + "/divert"; }
std::string config_path() { return config_dir() + "/config.yaml"; }

std::optional<Config> read_config(const std::string& path, bool complete) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return std::nullopt;
  }
  const YamlDocument doc = parse_yaml(read_file(path), path);
  Config config;
  config.path = path;
  if (doc.root.is_null()) {
    throw KeyError(
        fmt::format("{} is empty; run 'divert keygen --officer ID --agency CODE'", path));
  }
  if (!doc.root.is_mapping()) {
    throw InputError(doc.where(doc.root), "the configuration must be a mapping of key: value");
  }
  const fs::path base = fs::path(path).parent_path();
  auto resolve = [&](const std::string& value) {
    if (value.empty() || fs::path(value).is_absolute()) return value;
    return (base / value).lexically_normal().string();
  };
  for (const auto& [key, value] : doc.root.entries) {
    if (!value.is_null() && !value.is_scalar()) {
      throw InputError(doc.where(value), fmt::format("'{}' must be a single value", key.scalar));
    }
    const std::string& v = value.scalar;
    if (key.scalar == "officer") config.officer = v;
    else if (key.scalar == "agency") config.agency = v;
    else if (key.scalar == "agency_name") config.agency_name = v;
    else if (key.scalar == "device") config.device = v;
    else if (key.scalar == "key") config.key = resolve(v);
    else if (key.scalar == "key_fpr") config.key_fpr = v;
    else if (key.scalar == "records") config.records = resolve(v);
    else if (key.scalar == "policy") config.policy = v;
    else if (key.scalar == "program") config.program = v;
    else if (key.scalar == "policy_trust") config.policy_trust = resolve(v);
    else {
      throw InputError(doc.where(key),
                       fmt::format("unknown configuration key '{}' (known: officer, agency, "
                                   "agency_name, device, key, key_fpr, records, policy, "
                                   "program, policy_trust)",
                                   key.scalar));
    }
    if (key.scalar == "key_fpr" && !(v.starts_with("SHA256:") && v.size() == 50)) {
      throw InputError(doc.where(value), "'key_fpr' must be a fingerprint as ssh-keygen -l "
                                         "prints it: SHA256: and 43 characters");
    }
    if ((key.scalar == "officer" || key.scalar == "agency" || key.scalar == "device" ||
         key.scalar == "program") &&
        !is_safe_id(v)) {
      throw InputError(doc.where(value),
                       fmt::format("'{}' must be 1 to 64 characters from A-Z a-z 0-9 . _ -",
                                   key.scalar));
    }
  }
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"officer", &config.officer},
        {"agency", &config.agency},
        {"device", &config.device},
        {"key", &config.key},
        {"records", &config.records}}) {
    if (complete && value->empty()) {
      throw KeyError(fmt::format("{} has no '{}'; run 'divert keygen' or add it", path, name));
    }
  }
  return config;
}

Config load_config(const std::string& path) {
  std::optional<Config> config = read_config(path);
  if (!config) {
    throw KeyError(fmt::format("no configuration ({} does not exist); set up this laptop with "
                               "'divert keygen --officer ID --agency CODE'",
                               path));
  }
  return *config;
}

ConfigStore config_store() {
  // Which officer was used last is a convenience: without a state directory (no $HOME, no
  // $XDG_STATE_HOME) config.yaml's officer is the default, as before officers were told apart.
  const std::string state = xdg_dir_or_empty("XDG_STATE_HOME", ".local/state");
  return {config_dir(), state.empty() ? state : state + "/divert"};
}

static std::string first_officer_path(const ConfigStore& store) {
  return store.config_dir + "/config.yaml";
}

static std::string further_officer_path(const ConfigStore& store, const std::string& officer) {
  return fmt::format("{}/officers/{}.yaml", store.config_dir, officer);
}

static bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

std::string officer_config_path(const ConfigStore& store, const std::string& officer) {
  std::string further = further_officer_path(store, officer);
  if (exists(further)) {
    return further;
  }
  const std::string first = first_officer_path(store);
  const std::optional<Config> existing = read_config(first, false);
  return !existing || existing->officer == officer ? first : further;
}

static std::string remembered_officer(const ConfigStore& store) {
  if (store.state_dir.empty()) {
    return {};
  }
  std::error_code ec;
  const std::string path = store.state_dir + "/officer";
  if (!fs::is_regular_file(path, ec)) {
    return {};
  }
  std::string officer = read_file(path);
  while (!officer.empty() && (officer.back() == '\n' || officer.back() == '\r')) {
    officer.pop_back();
  }
  // A damaged or foreign file falls back to the first officer rather than naming a path.
  return is_safe_id(officer) ? officer : std::string();
}

std::string default_config_path(const ConfigStore& store) {
  if (const std::string officer = remembered_officer(store); !officer.empty()) {
    if (std::string path = officer_config_path(store, officer); exists(path)) {
      return path;
    }
  }
  return first_officer_path(store);
}

std::vector<std::string> known_officers(const ConfigStore& store) {
  std::vector<std::string> officers;
  if (const std::optional<Config> first = read_config(first_officer_path(store), false)) {
    officers.push_back(first->officer);
  }
  std::error_code ec;
  std::vector<std::string> further;
  for (const auto& entry : fs::directory_iterator(store.config_dir + "/officers", ec)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".yaml" && is_safe_id(p.stem().string())) {
      further.push_back(p.stem().string());
    }
  }
  std::sort(further.begin(), further.end());
  for (std::string& officer : further) {
    if (std::find(officers.begin(), officers.end(), officer) == officers.end()) {
      officers.push_back(std::move(officer));
    }
  }
  return officers;
}

Config select_config(const ConfigStore& store, const std::string& officer) {
  if (officer.empty()) {
    return load_config(default_config_path(store));
  }
  const std::string path = officer_config_path(store, officer);
  std::optional<Config> config = read_config(path);
  if (!config || config->officer != officer) {
    const std::vector<std::string> officers = known_officers(store);
    throw KeyError(fmt::format("no configuration for officer '{}' on this laptop ({}); set it up "
                               "with 'divert keygen --officer {} --agency CODE'",
                               officer,
                               officers.empty() ? "it has none" : "it has " + join(officers, ", "),
                               officer));
  }
  return *config;
}

std::string selected_config_path(const ConfigStore& store, const std::string& officer) {
  return officer.empty() ? default_config_path(store) : officer_config_path(store, officer);
}

std::string further_officer_of(const std::string& config_path) {
  const fs::path path(config_path);
  return path.parent_path().filename() == "officers" ? path.stem().string() : std::string();
}

void remember_officer(const ConfigStore& store, const std::string& officer) {
  if (store.state_dir.empty() || remembered_officer(store) == officer) {
    return;
  }
  make_private_dir(store.state_dir);
  replace_file(store.state_dir + "/officer", officer + "\n");
}

static std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string config_text(const Config& c) {
  std::string out =
      "# divert configuration for this laptop, written by 'divert keygen' (see divert(1), FILES).\n"
      "# Relative paths are relative to this file's directory.\n";
  out += fmt::format("officer: {}\n", quoted(c.officer));
  out += fmt::format("agency: {}\n", quoted(c.agency));
  if (!c.agency_name.empty()) {
    out += fmt::format("agency_name: {}\n", quoted(c.agency_name));
  }
  out += fmt::format("device: {}\n", quoted(c.device));
  out += fmt::format("key: {}\n", quoted(c.key));
  if (!c.key_fpr.empty()) {
    out += "# The officer's key: screen signs only with a key of this fingerprint.\n";
    out += fmt::format("key_fpr: {}\n", quoted(c.key_fpr));
  }
  out += fmt::format("records: {}\n", quoted(c.records));
  out += "# The policy 'divert screen' uses when --policy is not given (an id or a path).\n";
  out += c.policy.empty() ? "policy:\n" : fmt::format("policy: {}\n", quoted(c.policy));
  if (!c.program.empty()) {
    out += fmt::format("program: {}\n", quoted(c.program));
  }
  if (!c.policy_trust.empty()) {
    out += fmt::format("policy_trust: {}\n", quoted(c.policy_trust));
  }
  return out;
}

std::string new_device_id() {
  return "DEV-" + crockford_base32(random_bytes(8, "device-id")).substr(0, 12);
}

} // namespace divert::cli
