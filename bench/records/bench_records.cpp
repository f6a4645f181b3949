// SPDX-License-Identifier: Apache-2.0
// Records signed and verified per second, in process, with divert's own code paths:
//   bench_records N OUT_DIR KEY.pem POLICY.yaml ANSWERS.yaml ALLOWED_SIGNERS
// Signing = build the divert.referral/1 object, RFC 8785 bytes, SSHSIG (Ed25519) -- what
// `divert screen` does after the key is unlocked, without the fsyncs of publishing.
// Verifying = strict JSON parse, canonical-bytes check, schema, SSHSIG verification,
// allowed_signers lookup, fingerprint, and the device-chain analysis -- what `divert verify`
// does per record once the files are read. The N records are then written to OUT_DIR (not
// timed) so that run.sh can time `divert verify OUT_DIR` end to end.
#include "core/record/allowed_signers.hpp"
#include "core/record/canonical_json.hpp"
#include "core/policy/policy_loader.hpp"
#include "core/record/record.hpp"
#include "core/base/text_util.hpp"
#include "core/record/ulid.hpp"
#include "core/record/verify.hpp"
#include "core/base/yaml_doc.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace divert;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  if (!in && !in.eof()) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(66);
  }
  return b.str();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(
        stderr,
        "usage: bench_records N OUT_DIR KEY.pem POLICY.yaml ANSWERS.yaml ALLOWED_SIGNERS\n");
    return 64;
  }
  const long n = std::atol(argv[1]);
  const std::string out_dir = argv[2];
  const SigningKey key = SigningKey::load(slurp(argv[3]));
  const std::string policy_path = argv[4];
  const std::string policy_dir = policy_path.substr(0, policy_path.find_last_of('/'));
  const Policy policy =
      load_policy(PolicyText{slurp(policy_path), policy_path, policy_dir},
                  [](const std::string& ref, const std::string& from) -> std::optional<PolicyText> {
                    const std::string p = from + "/" + ref + ".yaml";
                    return PolicyText{slurp(p), p, from};
                  });
  Answers answers(policy);
  read_answers(parse_yaml(slurp(argv[5]), argv[5]), policy, answers, AnswerSource::file);
  const Decision decision = evaluate(policy, answers, std::nullopt);
  const AllowedSigners trust = AllowedSigners::parse(slurp(argv[6]), argv[6]);
  const std::string ns = record_namespace("TEST000");
  const std::string fpr = key.public_key().fingerprint();

  std::vector<RecordFile> files;
  files.reserve(static_cast<size_t>(n));
  std::optional<std::string> prev;
  const long long t0 = 1795694400;
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    RecordContext ctx;
    UlidRandom random{};
    for (int b = 0; b < 8; ++b)
      random[static_cast<size_t>(2 + b)] = static_cast<unsigned char>(i >> (8 * (7 - b)));
    ctx.record_id = make_ulid((t0 + i) * 1000, random);
    ctx.created_at = t0 + i;
    ctx.agency_code = "TEST000";
    ctx.officer_id = "T-0001";
    ctx.key_fpr = fpr;
    ctx.device_id = "DEV-BENCH";
    ctx.seq = i + 1;
    ctx.prev_sha256 = prev;
    ctx.tool_version = "bench";
    RecordFile f;
    f.bytes = canonicalize(build_record(policy, answers, decision, OfficerAction{}, ctx));
    f.signature = sshsig_sign(key, f.bytes, ns);
    f.file_name = "REF-" + ctx.record_id + ".json";
    f.path = out_dir + "/" + f.file_name;
    prev = sha256_hex(f.bytes); // part of the signing path: the next record needs it
    files.push_back(std::move(f));
  }
  const double sign_s = seconds_since(start);

  start = std::chrono::steady_clock::now();
  std::vector<RecordReport> reports;
  reports.reserve(files.size());
  for (const RecordFile& f : files) reports.push_back(check_record(f, trust));
  check_chains(reports);
  const double verify_s = seconds_since(start);
  long bad = 0;
  for (const RecordReport& r : reports) bad += r.ok() ? 0 : 1;
  if (bad != 0) {
    std::fprintf(stderr, "%ld records failed verification\n", bad);
    return 1;
  }

  for (const RecordFile& f : files) {
    std::ofstream(f.path, std::ios::binary) << f.bytes;
    std::ofstream(f.path + ".sshsig", std::ios::binary) << *f.signature;
  }
  std::printf("records %ld\nbytes_per_record %zu\nsigned_per_s %.0f\nverified_per_s %.0f\n", n,
              files.empty() ? 0 : files.front().bytes.size(), n / sign_s, n / verify_s);
  return 0;
}
