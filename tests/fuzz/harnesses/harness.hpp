// SPDX-License-Identifier: Apache-2.0
// Shared by the libFuzzer harnesses (see tests/fuzz/README.md). A harness feeds one input to the
// code that reads it, the way the front-end does, and treats as a bug anything but a value, a
// divert::Error (the documented failures, each mapped to an exit code) or a wrong result that
// the harness checks itself. Anything else (a std::exception, which the front-end reports as an
// internal error with exit 70, a sanitizer report, a crash) ends the run with the input kept.
#pragma once

#include "core/base/error.hpp"
#include "core/base/yaml_doc.hpp"
#include "core/policy/policy_loader.hpp"
#include "core/record/allowed_signers.hpp"
#include "core/record/sshsig.hpp"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace divert::fuzz {

inline std::string source_path(const std::string& relative) {
  return std::string(DIVERT_SOURCE_DIR) + "/" + relative;
}

inline std::string read_source_file(const std::string& relative) {
  std::ifstream in(source_path(relative), std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fuzz harness: cannot read %s\n", source_path(relative).c_str());
    std::abort();
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Resolves `extends` against the shipped policies, as the default policy path does.
inline PolicyResolver shipped_resolver() {
  return [](const std::string& reference, const std::string&) -> std::optional<PolicyText> {
    if (reference.find('/') != std::string::npos || reference.find('.') != std::string::npos) {
      return std::nullopt;
    }
    const std::string path = source_path("policies/" + reference + ".yaml");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return PolicyText{buffer.str(), "policies/" + reference + ".yaml", source_path("policies")};
  };
}

// The shipped policies that decide cases (every one but the abstract vocabulary), loaded once.
inline const std::vector<Policy>& shipped_policies() {
  static const std::vector<Policy> policies = [] {
    std::vector<Policy> out;
    for (const char* id : {"wa-whatcom", "wa-king-county-2011", "wa-burien", "wa-state",
                           "nm-santa-fe", "co-pueblo", "ca-lead-pilot"}) {
      const std::string name = std::string("policies/") + id + ".yaml";
      out.push_back(load_policy(PolicyText{read_source_file(name), name, source_path("policies")},
                                shipped_resolver()));
    }
    return out;
  }();
  return policies;
}

// The published test key T-0001@TEST000 and the trust list that allows it (tests/data/keys).
inline const SigningKey& test_key() {
  static const SigningKey key =
      SigningKey::from_pem(read_source_file("tests/data/keys/T-0001@TEST000.key.pem"));
  return key;
}
inline const AllowedSigners& test_trust() {
  static const AllowedSigners trust =
      AllowedSigners::parse(read_source_file("tests/data/keys/allowed_signers"),
                            "tests/data/keys/allowed_signers");
  return trust;
}

// A wrong result the harness found: report it and abort, so that libFuzzer keeps the input.
[[noreturn]] inline void wrong(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz harness: %s\ninput (%zu bytes): %.*s\n", what, input.size(),
               static_cast<int>(input.size() < 2000 ? input.size() : 2000), input.data());
  std::abort();
}

// Runs `body`: a divert::Error is an expected outcome for bad input; anything else escapes.
template <class Body> void expect_errors(Body&& body) {
  try {
    body();
  } catch (const Error&) {}
}

// Whether every key and value under `node` is UTF-8, as parse_yaml's input must be: JSON
// output and records refuse anything else (yaml-cpp once made \N and \_ one byte each).
inline bool all_utf8(const YamlNode& node) {
  if (!simdjson::validate_utf8(node.scalar.data(), node.scalar.size())) return false;
  for (const YamlNode& item : node.items) {
    if (!all_utf8(item)) return false;
  }
  for (const auto& [key, value] : node.entries) {
    if (!all_utf8(key) || !all_utf8(value)) return false;
  }
  return true;
}

// A fixed day for checks that need one (2026-11-26, the tests' fixed clock).
inline constexpr long long k_now = 1795694400;

} // namespace divert::fuzz
