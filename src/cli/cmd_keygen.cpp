// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/config.hpp"
#include "cli/entropy.hpp"
#include "cli/files.hpp"
#include "cli/keys.hpp"
#include "cli/passphrase.hpp"
#include "cli/publish.hpp"

#include "core/base/error.hpp"
#include "core/base/text_util.hpp"
#include "core/record/record.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <ostream>

namespace fs = std::filesystem;

namespace divert::cli {

namespace {

struct KeygenOptions {
  std::string officer;
  std::string agency;
  std::string agency_name;
  std::string out;
  bool no_passphrase = false;
  std::string passphrase_file;
  std::string import;
  std::string records;
  std::string policy;
};

std::string absolute(const std::string& path) {
  fs::path p = fs::absolute(path).lexically_normal();
  if (p.has_parent_path() && p.filename().empty()) {
    p = p.parent_path(); // "dir/." normalises to "dir/"
  }
  return p.string();
}

Passphrase passphrase_for_new_key(const KeygenOptions& opts, std::ostream& messages) {
  if (opts.no_passphrase) {
    return Passphrase();
  }
  if (!opts.passphrase_file.empty()) {
    Passphrase passphrase = read_passphrase_file(opts.passphrase_file, messages);
    if (const std::string problem = new_passphrase_problem(passphrase); !problem.empty()) {
      throw KeyError(fmt::format("{}: {}; nothing was written", opts.passphrase_file, problem));
    }
    return passphrase;
  }
  return ask_new_passphrase(prompt_passphrase, messages);
}

int run_keygen(const KeygenOptions& opts, Io& io) {
  for (const auto& [flag, value] :
       {std::pair{"--officer", &opts.officer}, {"--agency", &opts.agency}}) {
    if (!is_safe_id(*value)) {
      throw UsageError(fmt::format("{} '{}': use 1 to 64 characters from A-Z a-z 0-9 . _ - "
                                   "(not starting with . or -)",
                                   flag, *value));
    }
  }
  const bool can_prompt = io.stdin_is_tty && terminal_available();
  if (!opts.no_passphrase && opts.passphrase_file.empty() && !can_prompt) {
    throw UsageError("no passphrase source: there is no terminal to type it on; give "
                     "--passphrase-file FILE, or --no-passphrase for an unencrypted key");
  }

  const std::string dir = absolute(opts.out.empty() ? config_dir() + "/keys" : opts.out);
  const KeyFiles files = key_files(dir, opts.officer, opts.agency);
  for (const std::string& path : {files.key, files.pub_pem, files.pub}) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec))) {
      throw CannotCreateError(fmt::format("{} already exists; divert keygen never replaces a key "
                                          "(remove it first if you really mean to)",
                                          path));
    }
  }

  const std::string principal = officer_principal(opts.officer, opts.agency);
  SigningKey key = opts.import.empty() ? new_signing_key(principal) : [&] {
    std::string text = read_file(opts.import);
    Passphrase guard(std::move(text));
    try {
      return SigningKey::from_openssh(guard.text());
    } catch (const KeyError& e) {
      throw KeyError(fmt::format("{}: {}", opts.import, e.what()));
    }
  }();
  const Passphrase passphrase = passphrase_for_new_key(opts, io.err);
  write_key_files(files, key, passphrase, principal);

  const PublicKey pub = key.public_key();
  io.out << pub.fingerprint() << ' ' << principal << '\n';
  io.out << principal << " namespaces=\"" << record_namespace(opts.agency) << "\" " << pub.openssh()
         << '\n';

  io.err << fmt::format("divert: {} {} ({})\n", opts.import.empty() ? "new key" : "imported key",
                        files.key,
                        passphrase.empty() ? "NOT encrypted: protect this file"
                                           : "encrypted with your passphrase");
  io.err << fmt::format("divert: public key {} and {}\n", files.pub, files.pub_pem);
  io.err << "divert: add the second line above to the agency's allowed_signers file\n";
  if (deterministic_mode() && opts.import.empty()) {
    io.err << "divert: warning: DIVERT_FIXED_TIME is set, so this key was derived from a fixed "
              "seed; it is for tests only\n";
  }

  const ConfigStore store = config_store();
  const std::string path = officer_config_path(store, opts.officer);
  if (const std::optional<Config> existing = read_config(path)) {
    io.err << fmt::format("divert: kept the existing configuration {} (officer {}, agency {}, "
                          "key {})\n",
                          path, existing->officer, existing->agency, existing->key);
    remember_officer(store, opts.officer);
    return exit_ok;
  }
  Config config;
  config.officer = opts.officer;
  config.agency = opts.agency;
  config.agency_name = opts.agency_name;
  config.device = new_device_id();
  config.key = files.key;
  config.key_fpr = pub.fingerprint();
  config.records = absolute(opts.records.empty() ? data_dir() + "/records" : opts.records);
  config.policy = opts.policy;
  // A further officer of the same agency on this laptop starts from what the agency set up.
  const std::optional<Config> first = read_config(store.config_dir + "/config.yaml", false);
  const bool further_officer = first && first->officer != opts.officer;
  if (further_officer && first->agency == opts.agency) {
    if (config.agency_name.empty()) config.agency_name = first->agency_name;
    if (config.policy.empty()) config.policy = first->policy;
    config.program = first->program;
    config.policy_trust = first->policy_trust;
  }
  const fs::path file(path);
  publish_files(file.parent_path().string(),
                {{file.filename().string(), config_text(config), 0600}});
  remember_officer(store, opts.officer);
  io.err << fmt::format("divert: wrote the configuration {} (device {})\n", path, config.device);
  if (further_officer) {
    io.err << fmt::format("divert: this laptop now has the officers {}; the last used is the "
                          "default, and 'divert screen --officer ID' chooses\n",
                          join(known_officers(store), ", "));
  }
  return exit_ok;
}

} // namespace

void register_keygen(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "keygen",
      "Make (or import) the officer's Ed25519 signing key and, on a fresh laptop, the "
      "configuration.\nPrints the key's SHA256: fingerprint, then a line for the agency's "
      "allowed_signers file.");
  cmd->add_option("--officer", opts->officer, "Officer id (badge or personnel number)")->required();
  cmd->add_option("--agency", opts->agency, "Agency code, such as its ORI")->required();
  cmd->add_option("--agency-name", opts->agency_name, "Agency name, kept in every record");
  cmd->add_option("--out", opts->out,
                  "Directory for the key files (default: $XDG_CONFIG_HOME/divert/keys)");
  auto* none = cmd->add_flag("--no-passphrase", opts->no_passphrase,
                             "Store the private key unencrypted (only when you mean it)");
  auto* file = cmd->add_option(
      "--passphrase-file", opts->passphrase_file,
      "Read the passphrase from the first line of this file (/dev/fd/N for a descriptor)");
  none->excludes(file);
  cmd->add_option(
      "--import", opts->import,
      "Enrol an existing unencrypted OpenSSH ed25519 private key instead of making one");
  cmd->add_option(
      "--records", opts->records,
      "Records directory for a new configuration (default: $XDG_DATA_HOME/divert/records)");
  cmd->add_option("--policy", opts->policy, "Default policy for a new configuration");
  cmd->callback(
      [opts, &state] { state.action = [opts](Io& io) { return run_keygen(*opts, io); }; });
}

} // namespace divert::cli
