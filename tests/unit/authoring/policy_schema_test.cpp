// SPDX-License-Identifier: Apache-2.0
#include "test_support.hpp"

#include "core/authoring/policy_schema.hpp"
#include "core/base/yaml_doc.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <regex>

using nlohmann::json;
using namespace divert;
using namespace divert::testing;

namespace {

// YAML tree -> JSON the way a YAML 1.2 language server types plain scalars: true/false, null,
// integers and decimals become JSON values; quoted scalars stay strings; dates stay strings.
json to_json(const YamlNode& node) {
  switch (node.kind) {
  case YamlNode::Kind::null: return nullptr;
  case YamlNode::Kind::sequence: {
    json out = json::array();
    for (const YamlNode& item : node.items) out.push_back(to_json(item));
    return out;
  }
  case YamlNode::Kind::mapping: {
    json out = json::object();
    for (const auto& [key, value] : node.entries) out[key.scalar] = to_json(value);
    return out;
  }
  case YamlNode::Kind::scalar: break;
  }
  const std::string& s = node.scalar;
  if (node.quoted) return s;
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex decimal("[-+]?([0-9]*\\.[0-9]+|[0-9]+\\.[0-9]*)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, integer)) return std::stoll(s);
  if (std::regex_match(s, decimal)) return std::stod(s);
  return s;
}

// A validator for the part of JSON Schema draft-07 the policy schema uses: $ref to
// #/definitions, type, enum, const, properties, required, additionalProperties,
// propertyNames, items, minItems, pattern, minimum, maximum, anyOf, allOf, not, if/then/else.
class Validator {
public:
  explicit Validator(json schema) : m_root(std::move(schema)) {}

  std::vector<std::string> validate(const json& value) {
    m_errors.clear();
    check(m_root, value, "$");
    return m_errors;
  }

private:
  bool valid(const json& schema, const json& value) {
    std::vector<std::string> saved;
    saved.swap(m_errors);
    check(schema, value, "");
    const bool ok = m_errors.empty();
    m_errors.swap(saved);
    return ok;
  }

  static bool has_type(const json& value, const std::string& type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    if (type == "number") return value.is_number();
    if (type == "integer") {
      return value.is_number_integer() ||
             (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
    }
    return false;
  }

  void fail(const std::string& path, const std::string& message) {
    m_errors.push_back(path + ": " + message);
  }

  void check(const json& schema, const json& value, const std::string& path) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) fail(path, "not allowed");
      return;
    }
    if (schema.contains("$ref")) {
      const std::string ref = schema["$ref"];
      REQUIRE(ref.starts_with("#/definitions/"));
      check(m_root["definitions"][ref.substr(14)], value, path);
      return; // draft-07: siblings of $ref are ignored
    }
    if (schema.contains("type")) {
      const json& t = schema["type"];
      bool ok = false;
      if (t.is_string()) ok = has_type(value, t);
      for (const auto& one : t.is_array() ? t : json::array()) ok = ok || has_type(value, one);
      if (!ok) fail(path, "wrong type, expected " + t.dump());
    }
    if (schema.contains("enum")) {
      const json& e = schema["enum"];
      if (std::find(e.begin(), e.end(), value) == e.end()) fail(path, "not one of " + e.dump());
    }
    if (schema.contains("const") && value != schema["const"])
      fail(path, "must be " + schema["const"].dump());
    if (value.is_string()) {
      if (schema.contains("pattern") &&
          !std::regex_search(value.get<std::string>(),
                             std::regex(schema["pattern"].get<std::string>()))) {
        fail(path, "does not match " + schema["pattern"].get<std::string>());
      }
    }
    if (value.is_number()) {
      if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
        fail(path, "below minimum");
      if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
        fail(path, "above maximum");
    }
    if (value.is_object()) {
      for (const auto& key : schema.value("required", json::array())) {
        if (!value.contains(key.get<std::string>()))
          fail(path, "missing " + key.get<std::string>());
      }
      const json properties = schema.value("properties", json::object());
      for (const auto& [key, item] : value.items()) {
        if (schema.contains("propertyNames"))
          check(schema["propertyNames"], key, path + "." + key + "(name)");
        if (properties.contains(key)) {
          check(properties[key], item, path + "." + key);
        } else if (schema.contains("additionalProperties")) {
          check(schema["additionalProperties"], item, path + "." + key);
        }
      }
    }
    if (value.is_array()) {
      if (schema.contains("minItems") && value.size() < schema["minItems"].get<size_t>())
        fail(path, "too few items");
      if (schema.contains("items")) {
        for (size_t i = 0; i < value.size(); ++i)
          check(schema["items"], value[i], path + "[" + std::to_string(i) + "]");
      }
    }
    if (schema.contains("allOf")) {
      for (const json& s : schema["allOf"]) check(s, value, path);
    }
    if (schema.contains("anyOf")) {
      bool any = false;
      for (const json& s : schema["anyOf"]) any = any || valid(s, value);
      if (!any) fail(path, "matches none of anyOf");
    }
    if (schema.contains("not") && valid(schema["not"], value)) fail(path, "matches 'not'");
    if (schema.contains("if")) {
      if (valid(schema["if"], value)) {
        if (schema.contains("then")) check(schema["then"], value, path);
      } else if (schema.contains("else")) {
        check(schema["else"], value, path);
      }
    }
  }

  json m_root;
  std::vector<std::string> m_errors;
};

std::vector<std::string> validate_yaml(const std::string& text) {
  Validator v(json::parse(policy_schema_json()));
  return v.validate(to_json(parse_yaml(text, "p.yaml").root));
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const std::string& e : errors) out += e + "\n";
  return out;
}

const char* const k_shipped[] = {"lead-vocabulary", "wa-state",     "wa-king-county-2011",
                                 "wa-whatcom",      "wa-burien",    "nm-santa-fe",
                                 "co-pueblo",       "ca-lead-pilot"};

const std::string k_valid =
    TestPolicy()
        .head("questions:\n"
              "  - {id: my_choice, type: choice, label: L, values: {a: A, b: {label: B}}}\n"
              "  - {id: my_count, type: integer, label: N, min: 0, max: 9}\n")
        .rules("  - {id: no-consent, effect: require, condition: consents, explain: x, "
               "citation: y}\n"
               "  - {id: ok, effect: approval, condition: true, approver: z, "
               "holds_by_design: true, explain: x, citation: y}\n")
        .yaml();

} // namespace

TEST_SUITE("policy_schema") {

  TEST_CASE("the committed schema file is exactly what 'divert policy schema' prints") {
    CHECK(read_source_file("schema/divert-policy.schema.json") == policy_schema_json());
    const json schema = json::parse(policy_schema_json());
    CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
  }

  TEST_CASE("every shipped policy names the schema and validates against it") {
    for (const char* id : k_shipped) {
      CAPTURE(id);
      const std::string text = read_source_file(std::string("policies/") + id + ".yaml");
      CHECK(text.starts_with(
          "# yaml-language-server: $schema=../schema/divert-policy.schema.json\n"));
      CHECK(joined(validate_yaml(text)) == "");
    }
  }

  TEST_CASE("the sample policies that load also validate") {
    for (const char* file : {"show-sample", "wa-whatcom-changed", "unreachable-rule",
                             "impossible-comparison", "assorted-findings"}) {
      CAPTURE(file);
      CHECK(joined(validate_yaml(
                read_source_file(std::string("tests/data/policies/") + file + ".yaml"))) == "");
    }
    CHECK(joined(validate_yaml(k_valid)) == "");
  }

  TEST_CASE("broken policies are rejected") {
    struct Broken {
      const char* what;
      std::string from;
      std::string to;
    };
    const std::vector<Broken> cases = {
        {"unknown top-level key", "status: adopted\n", "status: adopted\nstatuss: x\n"},
        {"status outside the enum", "status: adopted", "status: final"},
        {"format 2", "format: 1", "format: 2"},
        {"policy id not kebab-case", "id: p\n", "id: P_1\n"},
        {"a date that is not YYYY-MM-DD", "effective: \"2024-01-01\"", "effective: 1/1/2024"},
        {"missing title", "title: P\n", ""},
        {"an effect typo", "effect: require", "effect: requires"},
        {"a rule without condition", ", condition: consents", ""},
        {"a rule without explanation", " explain: x,", ""},
        {"a rule with a blank citation", "citation: y}", "citation: ' '}"},
        {"an approver on a require rule", "condition: consents,",
         "condition: consents, approver: z,"},
        {"an unknown key in a rule", "explain: x,", "explian: x,"},
        {"a choice question without values", ", values: {a: A, b: {label: B}}", ""},
        {"min on a choice question", "type: choice, label: L,", "type: choice, label: L, min: 1,"},
        {"a question type typo", "type: integer", "type: int"},
        {"case_id as a question id", "id: my_count", "id: case_id"},
        {"a value detail with an unknown key", "{label: B}", "{lable: B}"},
        {"an empty pathway list on a rule", "{id: ok,", "{id: ok, pathways: [],"},
        {"a provider without contact", ", contact: Call.", ""},
        {"intake days as text", "providers:", "intake: {days: soon}\nproviders:"},
    };
    for (const Broken& b : cases) {
      CAPTURE(b.what);
      std::string text = k_valid;
      const size_t at = text.find(b.from);
      REQUIRE(at != std::string::npos);
      text.replace(at, b.from.size(), b.to);
      CHECK_FALSE(validate_yaml(text).empty());
    }
  }

  TEST_CASE("YAML scalars are typed as a language server types them") {
    CHECK(to_json(parse_yaml("a: 1\nb: 1.5\nc: true\nd: '1'\ne: 2024-01-01\nf:\n", "x").root) ==
          json::parse(R"({"a":1,"b":1.5,"c":true,"d":"1","e":"2024-01-01","f":null})"));
  }

} // TEST_SUITE
