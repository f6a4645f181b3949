// SPDX-License-Identifier: Apache-2.0
#include "cli/screen.hpp"

#include "cli/app.hpp"
#include "cli/entropy.hpp"
#include "cli/files.hpp"
#include "cli/policy_trust.hpp"
#include "cli/keys.hpp"
#include "cli/passphrase.hpp"
#include "cli/render.hpp"

#include "core/record/canonical_json.hpp"
#include "core/decision/decision_json.hpp"
#include "core/base/error.hpp"
#include "core/record/ulid.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#ifndef DIVERT_VERSION
#define DIVERT_VERSION "0.0.0"
#endif

namespace fs = std::filesystem;

namespace divert::cli {

namespace {

constexpr const char* k_demo_officer = "DEMO";
constexpr const char* k_demo_agency = "DEMO";

// The demonstration setup: its own key, configuration and records, never the real ones.
Config demo_config(const std::string& demo_dir) {
  const std::string path = demo_dir + "/config.yaml";
  if (std::optional<Config> existing = read_config(path)) {
    return *existing;
  }
  const KeyFiles files = key_files(demo_dir + "/keys", k_demo_officer, k_demo_agency);
  std::error_code ec;
  if (!fs::exists(files.key, ec)) {
    write_key_files(files, new_signing_key("demo"), Passphrase(),
                    officer_principal(k_demo_officer, k_demo_agency));
  }
  Config config;
  config.officer = k_demo_officer;
  config.agency = k_demo_agency;
  config.agency_name = "Demonstration only (not an agency)";
  config.device = new_device_id();
  config.key = files.key;
  config.records = demo_dir + "/records";
  config.policy = "wa-whatcom"; // the shipped default policy
  publish_files(demo_dir, {{"config.yaml", config_text(config), 0600}});
  config.path = path;
  return config;
}

} // namespace

ScreenSession open_screen_session(const ScreenOptions& opts) {
  ScreenSession session;
  session.demo = opts.demo;
  if (opts.demo && !opts.officer.empty()) {
    throw UsageError("--officer and --demo do not go together: the demonstration has its own "
                     "officer, key and records");
  }
  if (opts.demo) {
    session.state_dir = state_dir() + "/demo";
    make_private_dir(session.state_dir);
    session.config = demo_config(session.state_dir);
  } else {
    session.state_dir = state_dir();
    const ConfigStore store = config_store();
    session.config = select_config(store, opts.officer);
    if (!opts.officer.empty()) {
      remember_officer(store, opts.officer);
    }
  }
  session.configured_key = session.config.key;
  if (!opts.key.empty()) {
    session.config.key = opts.key;
  }
  if (!opts.records.empty()) {
    session.config.records = opts.records;
  }
  const std::string policy = opts.policy.empty() ? session.config.policy : opts.policy;
  if (policy.empty()) {
    throw UsageError(fmt::format("no policy: give --policy P, or set 'policy' in {}",
                                 session.config.path),
                     "no-policy");
  }
  session.policy = load_policy_arg(policy, false, policy_trust_of(session.config));
  return session;
}

Answers read_screen_answers(const ScreenSession& session, const ScreenOptions& opts) {
  const Policy& policy = session.policy;
  Answers answers = read_case_answers(policy, opts.answers, opts.sets);
  if (const int q = policy.question_index("agency"); q >= 0) {
    const auto qi = static_cast<size_t>(q);
    if (!answers.slots[qi].present) {
      answers.slots[qi].present = true;
      answers.slots[qi].text = session.config.agency;
      answers.sources[qi] = AnswerSource::default_value;
      answers.where[qi] = SourceLocation{session.config.path, 0, 0};
    }
  }
  check_answers(policy, answers);
  return answers;
}

std::optional<OfficerAction> action_from_flags(const ScreenOptions& opts, Outcome outcome) {
  if (!opts.decline.empty()) {
    if (outcome == Outcome::ineligible) {
      throw UsageError("--decline: the person is ineligible, so there is no referral to decline "
                       "(use --exception REASON to ask for an exception)");
    }
    return OfficerAction{ActionKind::decline, opts.decline};
  }
  if (!opts.exception.empty()) {
    if (outcome != Outcome::ineligible) {
      throw UsageError(fmt::format("--exception: the outcome is {}, not ineligible; there is "
                                   "nothing to make an exception to",
                                   outcome_name(outcome)));
    }
    return OfficerAction{ActionKind::exception_requested, opts.exception};
  }
  if (outcome == Outcome::ineligible) {
    return std::nullopt;
  }
  return OfficerAction{ActionKind::refer, {}};
}

bool may_prompt(const ScreenOptions& opts, const Io& io) {
  return !opts.no_input && io.stdin_is_tty && terminal_available();
}

namespace {

// The configured officer's key fingerprint: `key_fpr` in the configuration, else the OpenSSH
// public key keygen wrote beside the configured private key; nullopt when neither is there.
std::optional<std::string> officer_fingerprint(const ScreenSession& session, std::string& source) {
  const Config& config = session.config;
  if (!config.key_fpr.empty()) {
    source = config.path;
    return config.key_fpr;
  }
  const std::string& key = session.configured_key;
  if (!key.ends_with(".key.pem")) {
    return std::nullopt;
  }
  source = key.substr(0, key.size() - 8) + ".pub";
  const std::optional<std::string> line = read_if_exists(source, "the officer's public key");
  if (!line) {
    return std::nullopt;
  }
  try {
    return PublicKey::from_openssh(*line).fingerprint();
  } catch (const InputError& e) {
    throw KeyError(fmt::format("{}: {}", source, e.what()));
  }
}

// A record is signed by its officer's key: refuses any other (77, naming both fingerprints).
void check_officer_key(const ScreenSession& session, const SigningKey& key) {
  const std::string principal = officer_principal(session.config.officer, session.config.agency);
  const std::string fingerprint = key.public_key().fingerprint();
  std::string source;
  const std::optional<std::string> expected = officer_fingerprint(session, source);
  if (!expected) {
    if (session.config.key == session.configured_key) {
      return; // the configured key is the officer's by definition
    }
    throw KeyError(fmt::format("cannot tell whether {} ({}) is officer {}'s key: {} names no "
                               "key_fpr; add 'key_fpr: {}' to it if this is that officer's key",
                               session.config.key, fingerprint, principal, session.config.path,
                               fingerprint));
  }
  if (*expected != fingerprint) {
    throw KeyError(fmt::format("{} ({}) is not officer {}'s key ({}, from {}); a record is "
                               "signed only with its officer's own key",
                               session.config.key, fingerprint, principal, *expected, source));
  }
}

} // namespace

SigningKey unlock_screen_key(const ScreenSession& session, const ScreenOptions& opts,
                             const Io& io) {
  SigningKey key =
      load_signing_key(session.config.key,
                       UnlockOptions{opts.passphrase_file, may_prompt(opts, io)}, io.err);
  check_officer_key(session, key);
  return key;
}

PublishedRecord sign_and_publish(const ScreenSession& session, const Answers& answers,
                                 const Decision& decision,
                                 const std::optional<OfficerAction>& action,
                                 const std::string& supersedes, const SigningKey& key) {
  const Config& config = session.config;
  const std::string fingerprint = key.public_key().fingerprint();
  const std::string ns = record_namespace(config.agency);
  const long long now = now_seconds();
  return publish_record(config.records, session.state_dir, config.device,
                        [&](long long seq, const std::optional<std::string>& prev) {
                          // The ULID's random part starts with the seq, so that one device's records sort in
                          // order even within one second; the other 48 bits are random.
                          const std::string random =
                              random_bytes(6,
                                           fmt::format("record|{}|{}|{}", config.device, seq, now));
                          UlidRandom bits{};
                          for (int i = 0; i < 4; ++i) {
                            bits[static_cast<size_t>(i)] =
                                static_cast<unsigned char>((seq >> (8 * (3 - i))) & 0xFF);
                          }
                          for (size_t i = 0; i + 4 < bits.size() && i < random.size(); ++i) {
                            bits[i + 4] = static_cast<unsigned char>(random[i]);
                          }
                          RecordContext ctx;
                          ctx.record_id = make_ulid(now * 1000, bits);
                          ctx.created_at = now;
                          ctx.agency_code = config.agency;
                          ctx.agency_name = config.agency_name;
                          ctx.officer_id = config.officer;
                          ctx.key_fpr = fingerprint;
                          ctx.device_id = config.device;
                          ctx.seq = seq;
                          ctx.prev_sha256 = prev;
                          if (!supersedes.empty()) ctx.supersedes = supersedes;
                          ctx.tool_version = DIVERT_VERSION;
                          const std::string bytes = canonicalize(
                              build_record(session.policy, answers, decision, action, ctx));
                          return SignedRecord{ctx.record_id, bytes, sshsig_sign(key, bytes, ns)};
                        });
}

static std::string action_text(const std::optional<OfficerAction>& action) {
  if (!action) {
    return "no-action (not referred)";
  }
  switch (action->kind) {
  case ActionKind::refer: return "refer";
  case ActionKind::decline: return "decline (not referred): " + action->reason;
  case ActionKind::exception_requested:
    return "exception (not referred unless approved): " + action->reason;
  }
  return "?";
}

void report_screening(Io& io, const ScreenSession& session, const Decision& decision,
                      const std::optional<OfficerAction>& action,
                      const std::optional<PublishedRecord>& record, bool json) {
  const Policy& policy = session.policy;
  if (json) {
    note_policy_status(io.err, policy);
    std::string out = decision_json(policy, decision);
    out.pop_back(); // the closing brace: "record" joins the decision's members
    out += ",\"record\":";
    if (record) {
      out += "{\"id\":";
      append_json_string(out, record->id);
      out += ",\"path\":";
      append_json_string(out, record->path);
      out += ",\"signature_path\":";
      append_json_string(out, record->signature_path);
      out += fmt::format(",\"seq\":{}}}", record->seq);
    } else {
      out += "null";
    }
    out += '}';
    io.out << out << '\n';
  } else {
    render_decision(io.out, policy, decision, io.color);
    if (record) {
      io.out << "\nSigned record (officer "
             << officer_principal(session.config.officer, session.config.agency) << ", device "
             << session.config.device << " #" << record->seq << "):\n";
      io.out << wrap("Action: " + action_text(action), "  ");
      io.out << "  Record id: " << record->id << '\n';
      io.out << "  Record: " << record->path << '\n';
      io.out << "  Signature: " << record->signature_path << '\n';
    }
  }
  if (!record && decision.outcome == Outcome::incomplete) {
    io.err << "divert: incomplete: nothing was recorded; answer what is still needed "
              "(--set ID=VALUE or --answers FILE) and screen again\n";
  }
  if (record && !record->note.empty()) {
    io.err << "divert: warning: " << record->note << '\n';
  }
  if (session.demo && record) {
    io.err << "divert: demo: signed with the demonstration key, not an officer's; this record "
              "proves nothing\n";
  }
  // The record stands whatever happens to standard output: say so, or the officer or script
  // that sees only the failure may screen the case again and record it twice.
  if (record && !io.out.flush()) {
    throw IoError(fmt::format("{}; the screening was recorded all the same as {} (divert records "
                              "show {})",
                              k_output_lost, record->path, record->id));
  }
}

} // namespace divert::cli
