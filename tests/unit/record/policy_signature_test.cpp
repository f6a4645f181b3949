// SPDX-License-Identifier: Apache-2.0
// Signed policies (issue 10 item 14): the laptop's check of a policy layer against its policy
// trust list, the signing key in the record, and verify's check of that key.
#include "core/base/text_util.hpp"
#include "core/record/allowed_signers.hpp"
#include "core/record/canonical_json.hpp"
#include "core/record/policy_signature.hpp"
#include "core/record/record.hpp"
#include "core/record/verify.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

using namespace divert;
using namespace divert::testing;
using nlohmann::json;

namespace {

constexpr long long k_now = 1795694400; // 2026-11-26T12:00:00Z
const std::string k_policy_bytes = "format: 1\nid: p\n";

AllowedSigners
program_trust(const SigningKey& key, const std::string& principal = "LEAD-1",
              const std::string& options = "namespaces=\"divert-policy-v1@LEAD-1\"") {
  return AllowedSigners::parse(principal + " " + options + " " + key.public_key().openssh() + "\n",
                               "policy-signers");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("policy signatures") {
  TEST_CASE("the namespace names the program") {
    CHECK(policy_namespace("LEAD-1") == "divert-policy-v1@LEAD-1");
  }

  TEST_CASE("a laptop uses a layer only with a good signature by a trusted key") {
    const SigningKey key = SigningKey::generate();
    const AllowedSigners trust = program_trust(key);
    const std::string sig = sshsig_sign(key, k_policy_bytes, "divert-policy-v1@LEAD-1");

    PolicySignatureVerdict v = check_policy_signature(k_policy_bytes, sig, trust, "LEAD-1", k_now);
    CHECK(v.good);
    CHECK(v.signed_by == key.public_key().fingerprint());

    // One byte changed after signing.
    std::string edited = k_policy_bytes;
    edited[edited.size() - 2] = 'q';
    v = check_policy_signature(edited, sig, trust, "LEAD-1", k_now);
    CHECK_FALSE(v.good);
    CHECK(contains(v.problem, "does not match the policy file"));

    v = check_policy_signature(k_policy_bytes, std::nullopt, trust, "LEAD-1", k_now);
    CHECK_FALSE(v.good);
    CHECK(contains(v.problem, "not signed"));

    v = check_policy_signature(k_policy_bytes, "not a signature", trust, "LEAD-1", k_now);
    CHECK_FALSE(v.good);

    // Another program's namespace, or a record's.
    for (const char* ns : {"divert-policy-v1@LEAD-2", "divert-referral-v1@LEAD-1"}) {
      v = check_policy_signature(k_policy_bytes, sshsig_sign(key, k_policy_bytes, ns), trust,
                                 "LEAD-1", k_now);
      CHECK_FALSE(v.good);
      CHECK(contains(v.problem, std::string("signed in namespace '") + ns));
    }
  }

  TEST_CASE("trust: the key, the program as principal, the namespace and the time") {
    const SigningKey key = SigningKey::generate();
    const SigningKey other = SigningKey::generate();
    const std::string sig = sshsig_sign(key, k_policy_bytes, "divert-policy-v1@LEAD-1");

    PolicySignatureVerdict v =
        check_policy_signature(k_policy_bytes, sig, program_trust(other), "LEAD-1", k_now);
    CHECK_FALSE(v.good);
    CHECK(contains(v.problem, "signed by " + key.public_key().fingerprint()));
    CHECK(contains(v.problem, "not in the trust list"));

    // The key is trusted, but for another program.
    v = check_policy_signature(k_policy_bytes, sig, program_trust(key, "LEAD-2"), "LEAD-1", k_now);
    CHECK_FALSE(v.good);
    CHECK(contains(v.problem, "principal"));

    // The key's line permits other namespaces only.
    v = check_policy_signature(k_policy_bytes, sig,
                               program_trust(key, "LEAD-1", "namespaces=\"divert-referral-v1@*\""),
                               "LEAD-1", k_now);
    CHECK_FALSE(v.good);

    // Expired before now; valid again when now is inside its window.
    const AllowedSigners expired = program_trust(key, "LEAD-1", "valid-before=\"20250101Z\"");
    CHECK_FALSE(check_policy_signature(k_policy_bytes, sig, expired, "LEAD-1", k_now).good);
    CHECK(check_policy_signature(k_policy_bytes, sig, expired, "LEAD-1", 1700000000).good);

    // A line without namespaces= trusts the key for every namespace, as OpenSSH does.
    CHECK(check_policy_signature(k_policy_bytes, sig, program_trust(key, "LEAD-1", ""), "LEAD-1",
                                 k_now)
              .good);
  }

  TEST_CASE("verify: the file still carries a signature by the key the record names") {
    const SigningKey key = SigningKey::generate();
    const SigningKey other = SigningKey::generate();
    const std::string fpr = key.public_key().fingerprint();
    const std::string sig = sshsig_sign(key, k_policy_bytes, "divert-policy-v1@ANY");

    CHECK(check_policy_signed_by(k_policy_bytes, sig, fpr).good);
    PolicySignatureVerdict v =
        check_policy_signed_by(k_policy_bytes,
                               sshsig_sign(other, k_policy_bytes, "divert-policy-v1@ANY"), fpr);
    CHECK_FALSE(v.good);
    CHECK(contains(v.problem, "signed by " + other.public_key().fingerprint() + ", not by " + fpr));
    CHECK_FALSE(check_policy_signed_by(k_policy_bytes, std::nullopt, fpr).good);
    CHECK_FALSE(check_policy_signed_by(k_policy_bytes + " ", sig, fpr).good);
    v = check_policy_signed_by(k_policy_bytes,
                               sshsig_sign(key, k_policy_bytes, "divert-referral-v1@X"), fpr);
    CHECK_FALSE(v.good);
    CHECK(contains(v.problem, "not a divert-policy-v1@"));
  }

  TEST_CASE("the loader keeps each layer's signing key; the record names it only when set") {
    const std::string text = read_source_file("policies/wa-state.yaml");
    PolicyText top{text, "policies/wa-state.yaml", "."};
    top.signed_by = "SHA256:top";
    const PolicyResolver resolve = [](const std::string& reference,
                                      const std::string&) -> std::optional<PolicyText> {
      PolicyText t{read_source_file("policies/" + reference + ".yaml"),
                   "policies/" + reference + ".yaml", "."};
      t.signed_by = "SHA256:" + reference;
      return t;
    };
    const Policy signed_policy = load_policy(top, resolve);
    REQUIRE(signed_policy.layers.size() == 2);
    CHECK(signed_policy.layers[0].signed_by == "SHA256:lead-vocabulary");
    CHECK(signed_policy.layers[1].signed_by == "SHA256:top");

    const Policy plain = load_shipped("wa-whatcom");
    for (const PolicyLayer& layer : plain.layers) {
      CHECK(layer.signed_by.empty());
    }
  }
}

TEST_SUITE("policy signatures in records") {
  // The records fixtures' policy and answers (tests/data/records), which stay as they are.
  const std::string k_fixtures = "tests/data/records/";

  Policy fixture_policy() {
    const PolicyResolver resolve = [&](const std::string& reference,
                                       const std::string&) -> std::optional<PolicyText> {
      const std::string path = k_fixtures + "policies/" + reference + ".yaml";
      return PolicyText{read_source_file(path), path, "."};
    };
    const std::string top = k_fixtures + "policies/wa-king-county-2011.yaml";
    return load_policy(PolicyText{read_source_file(top), top, "."}, resolve);
  }

  RecordFile signed_record(const Policy& policy, const SigningKey& key) {
    const Answers answers =
        answers_from(policy, read_source_file(k_fixtures + "answers/king-eligible.yaml"));
    const Decision decision = evaluate(policy, answers, std::nullopt);
    RecordContext ctx;
    ctx.record_id = "01M8BVM4G00000008TBN3YPANH";
    ctx.created_at = k_now;
    ctx.agency_code = "TEST000";
    ctx.officer_id = "T-0001";
    ctx.key_fpr = key.public_key().fingerprint();
    ctx.device_id = "DEV-1";
    RecordFile file;
    file.path = file.file_name = "REF-01M8BVM4G00000008TBN3YPANH.json";
    file.bytes = canonicalize(build_record(policy, answers, decision, OfficerAction{}, ctx));
    file.signature = sshsig_sign(key, file.bytes, record_namespace("TEST000"));
    return file;
  }

  TEST_CASE("signed_by in the record, and verify --policies checks it") {
    const SigningKey officer = SigningKey::generate();
    const SigningKey program = SigningKey::generate();
    const SigningKey other = SigningKey::generate();
    const AllowedSigners trust =
        AllowedSigners::parse("T-0001@TEST000 " + officer.public_key().openssh() + "\n",
                              "allowed_signers");
    Policy policy = fixture_policy();

    // Without a policy trust list: the layers hold id, version and sha256 only.
    const json plain = parse_json_strict(signed_record(policy, officer).bytes, "r");
    for (const json& layer : plain["policy"]["layers"]) {
      CHECK(layer.size() == 3);
    }

    std::vector<KnownPolicyFile> known;
    for (PolicyLayer& layer : policy.layers) {
      const std::string bytes = read_source_file(layer.file);
      REQUIRE(sha256_hex(bytes) == layer.sha256);
      layer.signed_by = program.public_key().fingerprint();
      known.push_back({layer.file, layer.sha256, layer.id, layer.version, bytes,
                       sshsig_sign(program, bytes, "divert-policy-v1@LEAD-1")});
    }
    const RecordFile file = signed_record(policy, officer);
    const json record = parse_json_strict(file.bytes, "r");
    for (const json& layer : record["policy"]["layers"]) {
      CHECK(layer["signed_by"] == program.public_key().fingerprint());
    }

    RecordReport report = check_record(file, trust);
    REQUIRE(report.ok());
    check_policy_layers(report, known, "p");
    CHECK(report.ok());

    // One layer re-signed by another key: the record no longer matches its policy.
    std::vector<KnownPolicyFile> resigned = known;
    resigned[1].signature = sshsig_sign(other, resigned[1].bytes, "divert-policy-v1@LEAD-1");
    report = check_record(file, trust);
    check_policy_layers(report, resigned, "p");
    REQUIRE(report.failures.size() == 1);
    CHECK(report.failures[0].check == "policy_signature");
    CHECK(contains(report.failures[0].message, "signed by " + other.public_key().fingerprint()));

    // Its signature gone: the same.
    resigned[1].signature.reset();
    report = check_record(file, trust);
    check_policy_layers(report, resigned, "p");
    CHECK(report.failures.size() == 1);
  }
}
