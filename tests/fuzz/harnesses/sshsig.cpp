// SPDX-License-Identifier: Apache-2.0
// An armored SSHSIG signature (a record's .sshsig file), checked over a fixed record as
// `divert verify` checks it. The seeds are real signatures of this message.
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace divert;
  static const std::string message =
      fuzz::read_source_file("tests/data/records/good/REF-01M8BVX9F0000000QPWTAR96KA.json");
  fuzz::expect_errors([&] {
    const SshsigInfo info =
        sshsig_verify(std::string_view(reinterpret_cast<const char*>(data), size), message);
    (void)info.key.fingerprint();
    (void)info.key.openssh();
  });
  return 0;
}
