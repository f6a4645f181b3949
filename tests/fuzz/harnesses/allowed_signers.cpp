// SPDX-License-Identifier: Apache-2.0
// An allowed_signers trust list, as `divert verify --trust` reads it, then asked about the test
// key and about every key it lists, for a principal taken from each line's own patterns.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace divert;
  fuzz::expect_errors([&] {
    const AllowedSigners trust =
        AllowedSigners::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                              "allowed_signers");
    const PublicKey test_key = fuzz::test_key().public_key();
    for (const AllowedSigner& entry : trust.entries()) {
      const std::string principal = entry.principals.substr(0, entry.principals.find(','));
      const std::string ns = entry.namespaces.value_or("divert-referral-v1@TEST000");
      for (long long when :
           {fuzz::k_now, entry.valid_after.value_or(0), entry.valid_before.value_or(fuzz::k_now)}) {
        (void)trust.check(test_key, principal, ns, when);
        (void)trust.check(test_key, "T-0001@TEST000", "divert-referral-v1@TEST000", when);
        if (entry.key) (void)trust.check(*entry.key, principal, ns.substr(0, ns.find(',')), when);
      }
      (void)match_pattern_list(principal, entry.principals);
    }
  });
  return 0;
}
