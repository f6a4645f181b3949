// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/files.hpp"
#include "cli/policy_trust.hpp"
#include "cli/record_files.hpp"

#include "core/base/error.hpp"
#include "core/base/text_util.hpp"
#include "core/base/yaml_doc.hpp"
#include "core/record/verify.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <exception>
#include <filesystem>
#include <memory>
#include <ostream>
#include <set>
#include <thread>

namespace fs = std::filesystem;

namespace divert::cli {

namespace {

struct VerifyOptions {
  std::vector<std::string> paths;
  std::string trust;
  std::string policies;
  std::vector<std::string> from;
  bool json = false;
};

// --from DEVICE:SEQ, repeatable: where the auditor expects each device's records to start.
ChainStarts chain_starts(const std::vector<std::string>& values) {
  ChainStarts starts;
  for (const std::string& value : values) {
    const size_t colon = value.rfind(':');
    long long seq = 0;
    const char* digits = value.c_str() + (colon == std::string::npos ? 0 : colon + 1);
    const auto [end, ec] = std::from_chars(digits, value.c_str() + value.size(), seq);
    if (colon == std::string::npos || colon == 0 || ec != std::errc() ||
        end != value.c_str() + value.size() || seq < 1) {
      throw UsageError(
          fmt::format("--from '{}': expected DEVICE:SEQ (a device id and a seq >= 1)", value));
    }
    if (!starts.emplace(value.substr(0, colon), seq).second) {
      throw UsageError(fmt::format("--from names device {} twice", value.substr(0, colon)));
    }
  }
  return starts;
}

// The id and version a policy file declares; empty when it is not a policy divert can read.
KnownPolicyFile known_policy_file(const std::string& path, const std::string& text) {
  KnownPolicyFile file{path, sha256_hex(text), {}, {}, text, std::nullopt};
  std::string unreadable; // a signature that cannot be read is no signature: reported as missing
  file.signature = read_signature_file(path + ".sshsig", unreadable);
  try {
    const YamlDocument doc = parse_yaml(text, path);
    const YamlNode* id = doc.root.is_mapping() ? doc.root.find("id") : nullptr;
    const YamlNode* version = doc.root.is_mapping() ? doc.root.find("version") : nullptr;
    if (id != nullptr && id->is_scalar() && version != nullptr && version->is_scalar()) {
      file.id = id->scalar;
      file.version = version->scalar;
    }
  } catch (const InputError&) {
    // Not a policy: its hash can still be reported as the one that matched.
  }
  return file;
}

// Every *.yaml under `dir`, recursively.
std::vector<KnownPolicyFile> policy_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw MissingInputError(fmt::format("{}: no such directory (--policies)", dir));
  }
  std::vector<KnownPolicyFile> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".yaml") {
      files.push_back(known_policy_file(it->path().string(), read_file(it->path().string())));
    }
  }
  if (ec) {
    throw MissingInputError(fmt::format("{}: cannot read: {}", dir, ec.message()));
  }
  return files;
}

nlohmann::json findings_json(const std::vector<Finding>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const Finding& f : findings) {
    out.push_back({{"check", f.check}, {"message", f.message}});
  }
  return out;
}

// Records are checked in parallel only where threads pay for themselves: a directory of a
// few hundred records is checked faster than threads start; beyond 8 cores, reading the files
// is the limit.
constexpr size_t k_records_worth_a_thread = 256;
constexpr size_t k_most_verify_threads = 8;

// Stage 1: each record on its own (check_record is pure), so large directories are spread
// over the cores; the chain analysis (stage 2) then needs them all.
std::vector<RecordReport> check_records(const FoundRecords& found, const AllowedSigners& trust,
                                        const std::vector<KnownPolicyFile>& known,
                                        const std::string& policies_dir) {
  std::vector<RecordReport> reports(found.records.size());
  auto check_range = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      reports[i] = check_record(found.records[i], trust);
      if (!policies_dir.empty()) {
        check_policy_layers(reports[i], known, policies_dir);
      }
    }
  };
  const size_t workers =
      std::min<size_t>(std::max(1U, std::thread::hardware_concurrency()), k_most_verify_threads);
  if (workers < 2 || reports.size() < k_records_worth_a_thread) {
    check_range(0, reports.size());
    return reports;
  }
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(workers);
  const size_t chunk = (reports.size() + workers - 1) / workers;
  for (size_t w = 0, begin = 0; begin < reports.size(); ++w, begin += chunk) {
    threads.emplace_back([&, w, begin] {
      try {
        check_range(begin, std::min(reports.size(), begin + chunk));
      } catch (...) {
        errors[w] = std::current_exception(); // rethrown below, on the main thread
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return reports;
}

// What the checks found, in one place for both reports.
struct VerifyResult {
  std::vector<RecordReport> reports;
  std::vector<Finding> missing_devices; // chains that do not start where --from says
  std::vector<std::string> orphan_signatures;
  size_t failed = 0;
  bool ok() const { return failed == 0 && missing_devices.empty(); }
};

void report_json(const VerifyResult& result, Io& io) {
  auto text_or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  nlohmann::json records = nlohmann::json::array();
  for (const RecordReport& r : result.reports) {
    records.push_back({{"path", r.path},
                       {"record_id", text_or_null(r.record_id)},
                       {"ok", r.ok()},
                       {"principal", text_or_null(r.principal)},
                       {"key_fpr", text_or_null(r.key_fpr)},
                       {"device", text_or_null(r.device_id)},
                       {"seq", r.seq ? nlohmann::json(*r.seq) : nlohmann::json()},
                       {"created_at", text_or_null(r.created_at)},
                       {"sha256", r.sha256},
                       {"failures", findings_json(r.failures)},
                       {"warnings", findings_json(r.warnings)}});
  }
  nlohmann::json warnings = nlohmann::json::array();
  for (const std::string& orphan : result.orphan_signatures) {
    warnings.push_back({{"path", orphan},
                        {"check", "orphan_signature"},
                        {"message", "a signature without its record (an interrupted publish)"}});
  }
  for (const Finding& f : result.missing_devices) {
    warnings.push_back({{"path", nullptr}, {"check", f.check}, {"message", f.message}});
  }
  const nlohmann::json out = {{"ok", result.ok()},
                              {"checked", result.reports.size()},
                              {"failed", result.failed},
                              {"records", std::move(records)},
                              {"warnings", std::move(warnings)}};
  // A file name need not be UTF-8: shown with U+FFFD rather than failing the report.
  io.out << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

// Paths, ids and messages carry strings from the files: escaped, never sent raw to a terminal.
void report_text(const VerifyResult& result, Io& io) {
  for (const RecordReport& r : result.reports) {
    if (r.ok()) {
      io.out << terminal_safe(fmt::format("ok      {}  {}  {} #{}  {}", r.path, r.principal,
                                          r.device_id, r.seq.value_or(0), r.created_at))
             << '\n';
    } else {
      io.out << "FAILED  " << terminal_safe(r.path) << '\n';
      for (const Finding& f : r.failures) {
        io.out << "        " << f.check << ": " << terminal_safe(f.message) << '\n';
      }
    }
    for (const Finding& w : r.warnings) {
      io.out << "        warning: " << w.check << ": " << terminal_safe(w.message) << '\n';
    }
  }
  for (const std::string& orphan : result.orphan_signatures) {
    io.out << "warning " << terminal_safe(orphan)
           << ": a signature without its record (an interrupted publish; the next screening "
              "removes it)\n";
  }
  for (const Finding& f : result.missing_devices) {
    io.out << "FAILED  " << f.check << ": " << terminal_safe(f.message) << '\n';
  }
  const size_t checked = result.reports.size();
  io.out << fmt::format("{} record{}: {} ok, {} failed\n", checked, checked == 1 ? "" : "s",
                        checked - result.failed, result.failed);
}

int run_verify(const VerifyOptions& opts, Io& io) {
  const ChainStarts starts = chain_starts(opts.from);
  const AllowedSigners trust =
      AllowedSigners::parse(read_file(opts.trust), opts.trust, openssh_local_time);
  std::vector<KnownPolicyFile> known;
  if (!opts.policies.empty()) {
    known = policy_files(opts.policies);
  }
  const FoundRecords found = find_records(opts.paths, true);
  if (found.records.empty()) {
    throw MissingInputError(
        fmt::format("no records (REF-*.json) found in {}", join(opts.paths, ", ")));
  }

  VerifyResult result;
  result.reports = check_records(found, trust, known, opts.policies);
  result.missing_devices = check_chains(result.reports, starts);
  result.orphan_signatures = found.orphan_signatures;
  result.failed = static_cast<size_t>(std::count_if(result.reports.begin(), result.reports.end(),
                                                    [](const RecordReport& r) { return !r.ok(); }));
  if (opts.json) {
    report_json(result, io);
  } else {
    report_text(result, io);
  }
  return result.ok() ? exit_ok : exit_no;
}

} // namespace

void register_verify(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check signed records against an OpenSSH allowed_signers trust list: signature, "
                "namespace,\nprincipal, key validity at the record's time, fingerprint, "
                "canonical bytes, the device chain\nand (--policies) the policy files.\n"
                "Exit status: 0 all good, 1 a record failed, 66 no record found.");
  cmd->add_option("records", opts->paths, "Record files (REF-*.json) or directories of them")
      ->required();
  cmd->add_option("--trust", opts->trust, "The allowed_signers file (OpenSSH format)")->required();
  cmd->add_option("--policies", opts->policies,
                  "Check that each recorded policy layer (id, version, sha256) is a *.yaml under "
                  "this directory");
  cmd->add_option("--from", opts->from,
                  "DEVICE:SEQ: the records handed over for DEVICE start at SEQ, not 1 (repeatable)")
      ->type_name("DEVICE:SEQ")
      ->allow_extra_args(false);
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->callback([opts, &state] {
    state.json = opts->json;
    state.action = [opts](Io& io) { return run_verify(*opts, io); };
  });
}

} // namespace divert::cli
