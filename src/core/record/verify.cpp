// SPDX-License-Identifier: Apache-2.0
#include "core/record/verify.hpp"

#include "core/record/canonical_json.hpp"
#include "core/base/error.hpp"
#include "core/record/jcs_check.hpp"
#include "core/record/policy_signature.hpp"
#include "core/record/record.hpp"
#include "core/base/text_util.hpp"
#include "core/record/ulid.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <map>

namespace divert {

using nlohmann::json;

namespace {

std::string first_message(const InputError& e) {
  if (e.diagnostics().empty()) {
    return e.what();
  }
  const Diagnostic& d = e.diagnostics().front();
  if (d.where.line > 0) {
    return fmt::format("{} (line {}, column {})", d.message, d.where.line, d.where.column);
  }
  return d.message;
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Reads the record's fields, noting every missing or mistyped one as a schema failure.
class Fields {
public:
  Fields(const json& root, RecordReport& report) : m_root(root), m_report(report) {}

  const json* find(std::string_view dotted) const {
    const json* node = &m_root;
    size_t start = 0;
    while (start <= dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string_view::npos) dot = dotted.size();
      if (!node->is_object()) return nullptr;
      const auto it = node->find(std::string(dotted.substr(start, dot - start)));
      if (it == node->end()) return nullptr;
      node = &*it;
      start = dot + 1;
    }
    return node;
  }

  std::string text(std::string_view dotted) {
    const json* v = find(dotted);
    if (v == nullptr || !v->is_string()) {
      missing(dotted, "a string");
      return {};
    }
    return v->get<std::string>();
  }

  void missing(std::string_view dotted, std::string_view what) {
    m_report.failures.push_back(
        {"schema", fmt::format("field '{}' is missing or not {}", dotted, what)});
  }

private:
  const json& m_root;
  RecordReport& m_report;
};

void read_fields(const json& root, RecordReport& r) {
  Fields f(root, r);
  if (const json* schema = f.find("schema"); schema == nullptr || *schema != k_record_schema) {
    r.failures.push_back({"schema", fmt::format("schema is not '{}'", k_record_schema)});
  }
  r.record_id = f.text("record_id");
  if (!r.record_id.empty() && !is_ulid(r.record_id)) {
    r.failures.push_back({"schema", fmt::format("record_id '{}' is not a ULID", r.record_id)});
  }
  r.created_at = f.text("created_at");
  if (!r.created_at.empty()) {
    r.created_at_seconds = parse_rfc3339(r.created_at);
    if (!r.created_at_seconds) {
      r.failures.push_back(
          {"schema", fmt::format("created_at '{}' is not YYYY-MM-DDTHH:MM:SSZ", r.created_at)});
    }
  }
  r.principal = f.text("officer.principal");
  r.key_fpr = f.text("officer.key_fpr");
  r.device_id = f.text("device.id");
  if (const json* seq = f.find("device.seq");
      seq != nullptr && seq->is_number_integer() && seq->get<long long>() >= 1) {
    r.seq = seq->get<long long>();
  } else {
    f.missing("device.seq", "a whole number >= 1");
  }
  if (const json* prev = f.find("device.prev_sha256");
      prev != nullptr && prev->is_string() && is_hex64(prev->get<std::string>())) {
    r.prev_sha256 = prev->get<std::string>();
  } else if (prev == nullptr || !prev->is_null()) {
    f.missing("device.prev_sha256", "null or a lower-case hex sha256");
  }
  r.policy_id = f.text("policy.id");
  r.policy_version = f.text("policy.version");
  if (const json* layers = f.find("policy.layers"); layers != nullptr && layers->is_array()) {
    for (const json& layer : *layers) {
      RecordLayerHash h;
      if (layer.is_object()) {
        h.id = layer.value("id", std::string());
        h.version = layer.value("version", std::string());
        h.sha256 = layer.value("sha256", std::string());
        if (const auto by = layer.find("signed_by"); by != layer.end()) {
          if (by->is_string() && by->get<std::string>().starts_with("SHA256:")) {
            h.signed_by = by->get<std::string>();
          } else {
            f.missing("policy.layers[].signed_by", "a SHA256: key fingerprint");
          }
        }
      }
      if (!is_hex64(h.sha256)) {
        f.missing("policy.layers[].sha256", "a lower-case hex sha256");
        continue;
      }
      r.policy_layers.push_back(std::move(h));
    }
  } else {
    f.missing("policy.layers", "a list");
  }
}

json to_json(simdjson::dom::element e) {
  switch (e.type()) {
  case simdjson::dom::element_type::OBJECT: {
    json out = json::object();
    for (const auto field : simdjson::dom::object(e)) {
      out[std::string(field.key)] = to_json(field.value);
    }
    return out;
  }
  case simdjson::dom::element_type::ARRAY: {
    json out = json::array();
    for (const simdjson::dom::element item : simdjson::dom::array(e)) {
      out.push_back(to_json(item));
    }
    return out;
  }
  case simdjson::dom::element_type::STRING: return std::string(std::string_view(e));
  case simdjson::dom::element_type::INT64: return std::int64_t(e);
  case simdjson::dom::element_type::UINT64: return std::uint64_t(e);
  case simdjson::dom::element_type::DOUBLE: return double(e);
  case simdjson::dom::element_type::BOOL: return bool(e);
  case simdjson::dom::element_type::NULL_VALUE: return nullptr;
  }
  return nullptr;
}

// The members check_record reads (not answers, decision and the rest), from a simdjson parse.
bool skeleton(const std::string& bytes, json& out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(bytes.data(), bytes.size(), true).get(doc) != simdjson::SUCCESS) {
    return false;
  }
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return false;
  }
  out = json::object();
  for (const char* key :
       {"schema", "record_id", "created_at", "agency", "officer", "device", "policy"}) {
    simdjson::dom::element value;
    if (object[key].get(value) == simdjson::SUCCESS) {
      out[key] = to_json(value);
    }
  }
  return true;
}

} // namespace

RecordReport check_record(const RecordFile& file, const AllowedSigners& trust) {
  RecordReport r;
  r.path = file.path;
  r.file_name = file.file_name;
  if (!file.unreadable.empty()) {
    r.failures.push_back({"file", file.unreadable});
    return r;
  }
  r.sha256 = sha256_hex(file.bytes);

  // The fast path checks the canonical form on the bytes themselves and takes the few fields
  // it needs from a simdjson parse: no document of the whole record is built. Anything not
  // canonical goes through the strict parser, which names the problem (a duplicate key, say).
  json root;
  if (is_canonical_json(file.bytes) && skeleton(file.bytes, root) && root.is_object()) {
    // canonical, and root holds the fields the checks below read
  } else {
    try {
      root = parse_json_strict(file.bytes, file.path);
    } catch (const InputError& e) {
      r.failures.push_back({"json", "not a JSON record: " + first_message(e)});
      return r;
    }
    if (!root.is_object()) {
      r.failures.push_back({"json", "not a JSON object"});
      return r;
    }
    try {
      if (canonicalize(root) != file.bytes) {
        r.failures.push_back({"canonical", "the bytes are not the canonical RFC 8785 form of the "
                                           "record (reformatted, re-encoded or edited)"});
      }
    } catch (const InputError& e) {
      r.failures.push_back({"canonical", first_message(e)});
    }
  }
  read_fields(root, r);

  Fields f(root, r);
  const json* agency = f.find("agency.code");
  const std::string agency_code =
      agency != nullptr && agency->is_string() ? agency->get<std::string>() : "";
  const json* officer = f.find("officer.id");
  const std::string officer_id =
      officer != nullptr && officer->is_string() ? officer->get<std::string>() : "";
  if (agency_code.empty()) {
    f.missing("agency.code", "a string");
  }
  if (!r.record_id.empty() && file.file_name != "REF-" + r.record_id + ".json") {
    r.failures.push_back(
        {"file_name", fmt::format("the file name is not REF-{}.json", r.record_id)});
  }
  if (!r.principal.empty() && r.principal != officer_principal(officer_id, agency_code)) {
    r.failures.push_back({"principal", fmt::format("officer.principal '{}' is not "
                                                   "'<officer.id>@<agency.code>'",
                                                   r.principal)});
  }

  if (!file.signature_unreadable.empty()) {
    r.failures.push_back({"signature_file", file.signature_unreadable});
    return r;
  }
  if (!file.signature) {
    r.failures.push_back(
        {"signature_file", fmt::format("no signature file {}.sshsig", file.file_name)});
    return r;
  }
  SshsigInfo info;
  try {
    info = sshsig_verify(*file.signature, file.bytes);
  } catch (const InputError& e) {
    r.failures.push_back({"signature", first_message(e)});
    return r;
  }
  const std::string expected_ns = record_namespace(agency_code);
  if (info.ns != expected_ns) {
    r.failures.push_back({"namespace", fmt::format("signed in namespace '{}', expected '{}'",
                                                   info.ns, expected_ns)});
  }
  if (r.created_at_seconds && !r.principal.empty()) {
    const TrustVerdict verdict =
        trust.check(info.key, r.principal, expected_ns, *r.created_at_seconds);
    if (!verdict.trusted) {
      r.failures.push_back({verdict.check, verdict.message});
    }
    r.trusted = verdict.trusted && info.ns == expected_ns;
  }
  if (!r.key_fpr.empty() && info.key.fingerprint() != r.key_fpr) {
    r.failures.push_back({"key_fpr", fmt::format("officer.key_fpr {} is not the signing key {}",
                                                 r.key_fpr, info.key.fingerprint())});
  }
  return r;
}

void check_policy_layers(RecordReport& report, const std::vector<KnownPolicyFile>& known,
                         const std::string& policies_dir) {
  for (const RecordLayerHash& layer : report.policy_layers) {
    const KnownPolicyFile* same_bytes = nullptr;
    const KnownPolicyFile* same_policy = nullptr;
    PolicySignatureVerdict unsigned_because;
    bool matched = false;
    for (const KnownPolicyFile& file : known) {
      if (file.sha256 != layer.sha256) continue;
      same_bytes = &file;
      if (file.id == layer.id && file.version == layer.version) {
        same_policy = &file;
        if (layer.signed_by.empty()) {
          matched = true;
          break;
        }
        const PolicySignatureVerdict verdict =
            check_policy_signed_by(file.bytes, file.signature, layer.signed_by);
        if (verdict.good) {
          matched = true;
          break;
        }
        unsigned_because = verdict;
      }
    }
    if (matched) continue;
    if (same_policy != nullptr) {
      report.failures.push_back(
          {"policy_signature", fmt::format("policy {} {}: {}.sshsig: {}", layer.id, layer.version,
                                           same_policy->path, unsigned_because.problem)});
    } else if (same_bytes == nullptr) {
      report.failures.push_back(
          {"policy", fmt::format("policy {} {}: no *.yaml under {} has sha256 {}", layer.id,
                                 layer.version, policies_dir, layer.sha256)});
    } else {
      report.failures.push_back(
          {"policy",
           fmt::format("policy {} {}: the file with sha256 {} ({}) is {}, not that "
                       "policy",
                       layer.id, layer.version, layer.sha256, same_bytes->path,
                       same_bytes->id.empty()
                           ? std::string("not a policy with an id and version")
                           : fmt::format("policy {} {}", same_bytes->id, same_bytes->version))});
    }
  }
}

std::vector<Finding> check_chains(std::vector<RecordReport>& reports, const ChainStarts& starts) {
  std::map<std::string, std::vector<size_t>> devices;
  for (size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].trusted && !reports[i].device_id.empty() && reports[i].seq) {
      devices[reports[i].device_id].push_back(i);
    }
  }
  // Files that claim a device and seq without a trusted signature: named where that seq is
  // missing from the chain, so that the reader sees why.
  std::map<std::pair<std::string, long long>, std::vector<std::string>> untrusted_claims;
  for (const RecordReport& r : reports) {
    if (!r.trusted && !r.device_id.empty() && r.seq) {
      untrusted_claims[{r.device_id, *r.seq}].push_back(r.file_name);
    }
  }
  auto claimed = [&](const std::string& device, long long from, long long to) {
    std::vector<std::string> names;
    for (auto it = untrusted_claims.lower_bound({device, from});
         it != untrusted_claims.end() && it->first.first == device && it->first.second <= to;
         ++it) {
      names.insert(names.end(), it->second.begin(), it->second.end());
    }
    return names.empty() ? std::string()
                         : fmt::format("; {} claim{} it without a good trusted signature",
                                       join(names, ", "), names.size() == 1 ? "s" : "");
  };
  std::vector<Finding> missing_devices;
  for (const auto& [device, seq] : starts) {
    if (devices.count(device) == 0) {
      missing_devices.push_back(
          {"chain_start",
           fmt::format("device {}: no trusted record (expected from seq {})", device, seq)});
    }
  }
  for (auto& [device, members] : devices) {
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return std::tie(*reports[a].seq, reports[a].file_name) <
             std::tie(*reports[b].seq, reports[b].file_name);
    });
    std::map<long long, std::vector<size_t>> by_seq;
    std::map<std::string, std::vector<size_t>> by_prev;
    for (size_t i : members) {
      by_seq[*reports[i].seq].push_back(i);
      if (reports[i].prev_sha256) {
        by_prev[*reports[i].prev_sha256].push_back(i);
      }
    }
    // Copies of one record (the same bytes under two paths) are one record, not a fork.
    auto others = [&](const std::vector<size_t>& group, size_t self) {
      std::vector<std::string> names;
      for (size_t j : group) {
        if (reports[j].sha256 != reports[self].sha256) names.push_back(reports[j].file_name);
      }
      return join(names, ", ");
    };
    for (const auto& [seq, group] : by_seq) {
      for (size_t i : group) {
        if (const std::string forked = others(group, i); !forked.empty()) {
          reports[i].failures.push_back(
              {"chain_fork",
               fmt::format("fork: device {} seq {} is also used by {}", device, seq, forked)});
        }
      }
    }
    for (const auto& [prev, group] : by_prev) {
      for (size_t i : group) {
        if (const std::string forked = others(group, i); !forked.empty()) {
          reports[i].failures.push_back(
              {"chain_fork", fmt::format("fork: {} has the same prev_sha256", forked)});
        }
      }
    }

    const auto start = starts.find(device);
    const long long expected_start = start == starts.end() ? 1 : start->second;
    const long long first_seq = by_seq.begin()->first;
    if (first_seq > expected_start) {
      const std::string missing =
          first_seq - 1 == expected_start
              ? fmt::format("seq {} is", expected_start)
              : fmt::format("seqs {} to {} are", expected_start, first_seq - 1);
      for (size_t i : by_seq.begin()->second) {
        reports[i].failures.push_back(
            {"chain_start",
             fmt::format("device {} starts at seq {}: {} missing (withheld or deleted{}; "
                         "--from {}:{} if the records handed over start here)",
                         device, first_seq, missing, claimed(device, expected_start, first_seq - 1),
                         device, first_seq)});
      }
    }

    const RecordReport* previous = nullptr; // the last record of the previous seq present
    long long previous_seq = 0;
    for (const auto& [seq, group] : by_seq) {
      const bool one_record_before =
          previous != nullptr &&
          std::all_of(by_seq.at(previous_seq).begin(), by_seq.at(previous_seq).end(),
                      [&](size_t j) { return reports[j].sha256 == previous->sha256; });
      for (size_t i : group) {
        RecordReport& r = reports[i];
        if (seq == 1 && r.prev_sha256) {
          r.failures.push_back({"chain_prev", "seq 1 has a prev_sha256 (it must be null)"});
        } else if (seq > 1 && !r.prev_sha256) {
          r.failures.push_back({"chain_prev", fmt::format("seq {} has no prev_sha256", seq)});
        }
        if (previous != nullptr && seq > previous_seq + 1) {
          r.failures.push_back(
              {"chain_gap", previous_seq + 1 == seq - 1
                                ? fmt::format("gap: device {} seq {} is missing before this "
                                              "record (deleted or held back{})",
                                              device, previous_seq + 1,
                                              claimed(device, previous_seq + 1, seq - 1))
                                : fmt::format("gap: device {} seqs {} to {} are missing before "
                                              "this record (deleted or held back{})",
                                              device, previous_seq + 1, seq - 1,
                                              claimed(device, previous_seq + 1, seq - 1))});
        }
        if (one_record_before && seq == previous_seq + 1 && r.prev_sha256 &&
            *r.prev_sha256 != previous->sha256) {
          r.failures.push_back(
              {"chain_prev", fmt::format("prev_sha256 does not match {} (seq {}): records "
                                         "reordered, replaced or edited",
                                         previous->file_name, previous_seq)});
        }
        if (previous != nullptr && r.created_at_seconds && previous->created_at_seconds &&
            *r.created_at_seconds < *previous->created_at_seconds) {
          r.warnings.push_back(
              {"created_at",
               fmt::format("created_at {} is earlier than {} of {} (seq {}): the "
                           "laptop clock went backwards",
                           r.created_at, previous->created_at, previous->file_name, previous_seq)});
        }
      }
      previous = &reports[group.back()];
      previous_seq = seq;
    }
  }
  return missing_devices;
}

} // namespace divert
