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

// A policy text for unit tests: the preamble every concrete test policy needs (format, id,
// title, version, status, extends, effective, one provider) written once, so that a test
// states only what it is about. The preamble is always eight lines, so line numbers in
// expected messages count from line 9 (`head`, then `rules:`).
class TestPolicy {
public:
  // Setters that chain: TestPolicy().status("draft").rules(test_rule(...)).yaml(). (Not an
  // aggregate with designated initializers: GCC 12 warns about every member left out.)
  TestPolicy& id(std::string value) {
    m_id = std::move(value);
    return *this;
  }
  TestPolicy& title(std::string value) {
    m_title = std::move(value);
    return *this;
  }
  TestPolicy& version(std::string value) {
    m_version = std::move(value);
    return *this;
  }
  TestPolicy& status(std::string value) {
    m_status = std::move(value);
    return *this;
  }
  TestPolicy& extends(std::string value) {
    m_extends = std::move(value);
    return *this;
  }
  TestPolicy& effective(std::string value) {
    m_effective = std::move(value);
    return *this;
  }
  TestPolicy& provider(std::string value) {
    m_provider = std::move(value);
    return *this;
  }
  TestPolicy& head(std::string value) {
    m_head = std::move(value);
    return *this;
  }
  TestPolicy& rules(std::string value) {
    m_rules = std::move(value);
    return *this;
  }

  std::string yaml() const {
    return "format: 1\nid: " + m_id + "\ntitle: " + m_title + "\nversion: \"" + m_version +
           "\"\nstatus: " + m_status + "\nextends: " + m_extends + "\neffective: \"" + m_effective +
           "\"\nproviders: [" + m_provider + "]\n" + m_head +
           (m_rules.empty() ? "" : "rules:\n" + m_rules);
  }

private:
  std::string m_id = "p";
  std::string m_title = "P";
  std::string m_version = "1";
  std::string m_status = "adopted";
  std::string m_extends = "lead-vocabulary";
  std::string m_effective = "2024-01-01";
  std::string m_provider = "{name: Provider, contact: Call.}";
  std::string m_head;  // top-level keys between the preamble and the rules (intake, derived...)
  std::string m_rules; // the items of `rules:`, as YAML list items
};

// One rule as list items under `rules:`, with placeholder explanation and citation.
inline std::string test_rule(const std::string& id, const std::string& effect,
                             const std::string& condition, const std::string& extra = "") {
  return "  - id: " + id + "\n    effect: " + effect + "\n" + extra +
         "    condition: " + condition + "\n    explain: e\n    citation: c\n";
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
