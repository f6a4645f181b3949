// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace divert::cli {

// A laptop's divert configuration ($XDG_CONFIG_HOME/divert/config.yaml), set once by
// `divert keygen`. Relative paths in the file are relative to the file's directory; here they
// are already resolved.
struct Config {
  std::string path;         // the file it came from
  std::string officer;      // officer id
  std::string agency;       // agency code (e.g. its ORI)
  std::string agency_name;  // optional
  std::string device;       // device id, generated once
  std::string key;          // private key file
  std::string key_fpr;      // the officer's key's SHA256: fingerprint (optional; keygen writes it)
  std::string records;      // records directory
  std::string policy;       // default policy for screen (id or path), may be empty
  std::string program;      // the program whose signed policies this laptop uses (optional)
  std::string policy_trust; // allowed_signers of the policy signers (optional; see divert(1))

  // The program id of policy signatures: `program`, else the agency code.
  const std::string& program_id() const { return program.empty() ? agency : program; }
};

// $XDG_CONFIG_HOME/divert (default ~/.config/divert).
std::string config_dir();
// $XDG_STATE_HOME/divert (default ~/.local/state/divert).
std::string state_dir();
// $XDG_DATA_HOME/divert (default ~/.local/share/divert).
std::string data_dir();
// config_dir() + "/config.yaml".
std::string config_path();

// Reads a configuration file; nullopt when it does not exist. Throws InputError (65) for a
// malformed file or an unknown key, KeyError (77) when a required key is missing (only with
// `complete`: decide and batch need no officer, key or records, only the policy trust).
std::optional<Config> read_config(const std::string& path, bool complete = true);

// The configuration screen and records use; KeyError (77) naming `divert keygen` when there is
// none.
Config load_config(const std::string& path);

// One configuration per officer on a laptop: config.yaml is the first officer's (as it always
// was, so a laptop set up before officers were told apart keeps working unchanged), and
// officers/<officer>.yaml each further officer's. The officer last used is named in
// $XDG_STATE_HOME/divert/officer and is the default.
struct ConfigStore {
  std::string config_dir; // $XDG_CONFIG_HOME/divert
  std::string state_dir;  // $XDG_STATE_HOME/divert
};
ConfigStore config_store();

// Where `officer`'s configuration is, or is to be written: officers/<officer>.yaml when it
// exists, config.yaml when that names the officer or does not exist yet, else
// officers/<officer>.yaml.
std::string officer_config_path(const ConfigStore& store, const std::string& officer);

// The configuration file of the officer last used (config.yaml when none is remembered or the
// remembered one has no configuration any more); it may not exist.
std::string default_config_path(const ConfigStore& store);

// officer_config_path(officer), or default_config_path when `officer` is empty.
std::string selected_config_path(const ConfigStore& store, const std::string& officer);

// The officer of a further officer's configuration file (officers/<officer>.yaml), "" for
// config.yaml: each officer's interrupted screening is kept apart, the first officer's where it
// always was.
std::string further_officer_of(const std::string& config_path);

// The configuration of `officer`, or of the officer last used when `officer` is empty.
// KeyError (77) naming `divert keygen` (and the officers this laptop has) when there is none.
Config select_config(const ConfigStore& store, const std::string& officer);

// The officers with a configuration on this laptop, config.yaml's first.
std::vector<std::string> known_officers(const ConfigStore& store);

// Makes `officer` the default of the commands that follow (not remembered without a state
// directory).
void remember_officer(const ConfigStore& store, const std::string& officer);

// The text of a configuration file holding `config` (paths written as given).
std::string config_text(const Config& config);

// A new device id: "DEV-" and 12 Crockford base32 characters.
std::string new_device_id();

} // namespace divert::cli
