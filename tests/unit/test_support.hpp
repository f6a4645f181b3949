// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"
#include "core/decision/evaluate.hpp"
#include "core/policy/policy_loader.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace divert::testing {

// A fresh directory under the system's temporary directory, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "divert-unit-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Resolves `extends` against the shipped policies directory only.
inline PolicyResolver shipped_resolver() {
  return [](const std::string& reference, const std::string&) -> std::optional<PolicyText> {
    const std::string path = "policies/" + reference + ".yaml";
    std::string text = read_source_file(path);
    if (text.empty()) {
      return std::nullopt;
    }
    return PolicyText{text, path, std::string(DIVERT_SOURCE_DIR) + "/policies"};
  };
}

inline Policy load_text(const std::string& yaml, const std::string& name = "test.yaml") {
  return load_policy(PolicyText{yaml, name, "."}, shipped_resolver());
}

inline Policy load_shipped(const std::string& id) {
  return load_policy(PolicyText{read_source_file("policies/" + id + ".yaml"),
                                "policies/" + id + ".yaml", "."},
                     shipped_resolver());
}

// Answers from a YAML mapping text, validated like an answers file.
inline Answers answers_from(const Policy& policy, const std::string& yaml) {
  Answers answers(policy);
  read_answers(parse_yaml(yaml, "answers.yaml"), policy, answers, AnswerSource::file);
  check_answers(policy, answers);
  return answers;
}

// The first diagnostic of a load that must fail, formatted; "" if it loaded.
inline std::string load_error(const std::string& yaml) {
  try {
    load_text(yaml);
  } catch (const InputError& e) {
    return format_diagnostic(e.diagnostics().front());
  }
  return "";
}

} // namespace divert::testing
