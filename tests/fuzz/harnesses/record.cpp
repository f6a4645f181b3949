// SPDX-License-Identifier: Apache-2.0
// A record file, as `divert verify` reads it: the one-pass canonical-JSON check (which must
// agree with the strict parser and the canonical serializer), then every check of verify on
// the bytes, signed afresh with the test key so that the checks past the signature (namespace,
// principal, trust, validity, key_fpr, fields) see the mutated record, then the policy hashes
// and the device chain.
#include "harness.hpp"

#include "core/record/canonical_json.hpp"
#include "core/record/jcs_check.hpp"
#include "core/record/record.hpp"
#include "core/record/verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace divert;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  bool canonical = false;
  fuzz::expect_errors([&] { canonical = canonicalize(parse_json_strict(bytes, "r")) == bytes; });
  if (is_canonical_json(bytes) != canonical) {
    fuzz::wrong(canonical ? "is_canonical_json refuses a canonical text"
                          : "is_canonical_json accepts a text that is not canonical",
                bytes);
  }
  const std::string name = "REF-01M8BVX9F0000000QPWTAR96KA.json";
  std::vector<RecordReport> reports;
  reports.push_back(
      check_record(RecordFile{name, name, bytes,
                              sshsig_sign(fuzz::test_key(), bytes, "divert-referral-v1@TEST000"),
                              "", ""},
                   fuzz::test_trust()));
  reports.push_back(
      check_record(RecordFile{"REF-x.json", "REF-x.json", bytes, std::nullopt, "", ""},
                   fuzz::test_trust()));
  for (RecordReport& report : reports) {
    check_policy_layers(report,
                        {KnownPolicyFile{"policies/wa-whatcom.yaml", std::string(64, '0'),
                                         "wa-whatcom", "1.0.0"}},
                        "policies");
  }
  (void)check_chains(reports, {{"DEV-0001", 1}});
  return 0;
}
