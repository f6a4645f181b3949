// SPDX-License-Identifier: Apache-2.0
#include "core/base/yaml_doc.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <map>

using namespace divert;
using namespace divert::testing;

namespace {

std::string with_rule(const std::string& condition, const std::string& extra = "") {
  return TestPolicy()
      .id("t")
      .status("draft")
      .head(extra)
      .rules(test_rule("r", "exclude", condition))
      .yaml();
}

// `yaml` with the first `from` in it replaced by `to`.
std::string edited(std::string yaml, std::string_view from, std::string_view to) {
  const size_t at = yaml.find(from);
  REQUIRE(at != std::string::npos);
  return yaml.replace(at, from.size(), to);
}

} // namespace

TEST_SUITE("policy_loader") {
  TEST_CASE("every shipped policy loads") {
    for (const char* id : {"lead-vocabulary", "wa-state", "wa-king-county-2011"}) {
      CAPTURE(id);
      CHECK_NOTHROW(load_shipped(id));
    }
  }

  TEST_CASE("type errors are located at the offending column") {
    // Line 12 holds the condition; it starts at column 16.
    CHECK(load_error(with_rule("amenible")) ==
          "test.yaml:12:16: error: unknown question 'amenible', did you mean 'amenable'?");
    CHECK(load_error(with_rule("incident_date > 3")) ==
          "test.yaml:12:30: error: cannot compare a date with a number");
    CHECK(load_error(with_rule("offense == shoplifting"))
              .starts_with("test.yaml:12:27: error: 'shoplifting' is not a value of 'offense'"));
    CHECK(load_error(with_rule("drug_grams > 3 and")) ==
          "test.yaml:12:34: error: expected a value but found 'end of condition'");
    CHECK(load_error(with_rule("consents == 'yes'")).find("must be compared") != std::string::npos);
    CHECK(load_error(with_rule("consents and drug_grams")) ==
          "test.yaml:12:29: error: 'and' needs a yes/no value, but this is a number");
    CHECK(load_error(with_rule("incident_date > 2023-02-30")).find("not a calendar date") !=
          std::string::npos);
    CHECK(load_error(with_rule("any(drug_grams, true)")).find("not a list question") !=
          std::string::npos);
    CHECK(load_error(with_rule("narrative == x")).find("record-only") != std::string::npos);
    CHECK(load_error(with_rule("\"consents and amenible\"")) ==
          "test.yaml:12:30: error: unknown question 'amenible', did you mean 'amenable'?");
  }

  TEST_CASE("structure errors name the key and its place") {
    CHECK(load_error(with_rule("consents", "colour: red\n")) ==
          "test.yaml:9:1: error: unknown key 'colour' in a policy");
    CHECK(load_error(edited(with_rule("consents"), "exclude", "exclud")) ==
          "test.yaml:11:13: error: effect 'exclud' must be require, exclude, approval or "
          "notice, did you mean 'exclude'?");
    CHECK(load_error(with_rule("consents", "pathways: [arrest, social_contact]\n"))
              .find("unknown pathway 'arrest'") != std::string::npos);
  }

  TEST_CASE("every rule has an explanation and a citation, neither blank") {
    const std::string rule = with_rule("consents");
    CHECK(load_error(edited(rule, "    explain: e\n", "")) ==
          "test.yaml:10:5: error: rule 'r' needs 'explain': the plain-language explanation that "
          "officers see as the reason for the decision");
    CHECK(load_error(edited(rule, "citation: c", "citation: ' '")) ==
          "test.yaml:14:15: error: rule 'r' needs 'citation': which law, protocol or document "
          "the criterion comes from");
    CHECK(load_error(edited(rule, "citation: c", "citation:")).find("needs 'citation'") !=
          std::string::npos);
    CHECK(load_error(edited(rule, "explain: e", "explain: [a]")) ==
          "test.yaml:13:14: error: 'explain' must be text, not a list");
  }

  TEST_CASE("redefining a vocabulary question is refused") {
    const std::string yaml = with_rule(
        "consents",
        "questions:\n  - id: consents\n    type: choice\n    label: x\n    values: {a: A}\n");
    CHECK(load_error(yaml).find("question 'consents' is already defined by 'lead-vocabulary'") !=
          std::string::npos);
  }

  TEST_CASE("overriding a base rule needs override: true") {
    const std::string base =
        TestPolicy()
            .id("wa-like")
            .status("draft")
            .extends("wa-state")
            .rules(test_rule("wa-2023-referral-encouraged", "notice", "consents"))
            .yaml();
    CHECK(load_error(base).find("already defined by 'wa-state'") != std::string::npos);
    std::string ok = base + "    override: true\n";
    const Policy p = load_text(ok);
    CHECK(p.rules.size() == 5); // replaced in place, not added
    CHECK(load_error(with_rule("consents") + "    override: true\n").find("overrides nothing") !=
          std::string::npos);
  }

  TEST_CASE("extends cycles and missing bases are errors") {
    const std::string self = "format: 1\nid: loop\ntitle: T\nversion: '1'\nstatus: draft\n"
                             "extends: loop-b\n";
    PolicyResolver resolve = [](const std::string& ref,
                                const std::string&) -> std::optional<PolicyText> {
      if (ref == "loop-b") {
        return PolicyText{
            "format: 1\nid: loop-b\ntitle: T\nversion: '1'\nstatus: draft\nextends: loop\n",
            "loop-b.yaml", "."};
      }
      if (ref == "loop") {
        return PolicyText{
            "format: 1\nid: loop\ntitle: T\nversion: '1'\nstatus: draft\nextends: loop-b\n",
            "loop.yaml", "."};
      }
      return std::nullopt;
    };
    try {
      load_policy(PolicyText{self, "loop.yaml", "."}, resolve);
      FAIL("expected a cycle error");
    } catch (const InputError& e) {
      CHECK(e.diagnostics().front().message.find("cycle") != std::string::npos);
    }
    CHECK(load_error(with_rule("consents").replace(0, 0, "")).empty());
    std::string missing = with_rule("consents");
    missing.replace(missing.find("lead-vocabulary"), 15, "no-such-base");
    CHECK(load_error(missing).find("cannot find base policy 'no-such-base'") != std::string::npos);
  }

  TEST_CASE("ask-condition cycles are refused") {
    const std::string yaml =
        with_rule("consents",
                  "questions:\n  - id: qa\n    type: bool\n    label: a\n    asked_when: qb\n"
                  "  - id: qb\n    type: bool\n    label: b\n    asked_when: qa\n");
    CHECK(load_error(yaml).find("ask-conditions form a cycle") != std::string::npos);
  }
}

TEST_SUITE("hostile_yaml") {
  TEST_CASE("deep nesting, alias bombs and junk never crash") {
    std::string deep(100000, '[');
    CHECK_THROWS_AS(parse_yaml(deep, "deep.yaml"), InputError);
    std::string deep_map;
    for (int i = 0; i < 5000; ++i) deep_map += std::string(static_cast<size_t>(i), ' ') + "a:\n";
    CHECK_THROWS_AS(parse_yaml(deep_map, "deep.yaml"), InputError);
    const std::string bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
    CHECK_THROWS_AS(parse_yaml(bomb, "bomb.yaml"), InputError);
    CHECK_THROWS_AS(parse_yaml("a: [1\n", "open.yaml"), InputError);
    CHECK_THROWS_AS(parse_yaml("\xff\xfe", "bin.yaml"), InputError);
    CHECK_THROWS_AS(parse_yaml("a: 1\n---\nb: 2\n", "two.yaml"), InputError);
    CHECK_THROWS_AS(parse_yaml("? [a]\n: b\n", "complex.yaml"), InputError);
    CHECK(load_error("").find("error") != std::string::npos);
    CHECK(load_error("- a\n- b\n").find("must be a mapping") != std::string::npos);
    CHECK(load_error(with_rule(std::string(5000, '(') + "consents" + std::string(5000, ')')))
              .find("nested too deeply") != std::string::npos);
    CHECK(load_error(with_rule(std::string(3000, 'x') + " not not not")).find("error") !=
          std::string::npos);
  }

  TEST_CASE("every error from a mutated policy is located") {
    const std::string good = read_source_file("policies/wa-king-county-2011.yaml");
    REQUIRE_FALSE(good.empty());
    // Cut the policy at many places and flip characters; each result loads or fails located.
    for (size_t cut = 0; cut < good.size(); cut += 97) {
      for (int variant = 0; variant < 3; ++variant) {
        std::string mutated = good;
        if (variant == 0) {
          mutated = good.substr(0, cut);
        } else if (variant == 1) {
          mutated[cut] = ':';
        } else {
          mutated.insert(cut, "\n  - [");
        }
        try {
          load_text(mutated, "m.yaml");
        } catch (const InputError& e) {
          for (const Diagnostic& d : e.diagnostics()) {
            CAPTURE(mutated);
            CHECK(d.where.file == "m.yaml");
            CHECK(d.where.line > 0);
            CHECK(d.where.column > 0);
          }
        }
      }
    }
  }
}

TEST_SUITE("policy_loader") {
  TEST_CASE("errors in conditions folded over lines point at the right line and column") {
    const std::string yaml = with_rule(">-\n      consents and\n      amenible");
    CHECK(load_error(yaml) ==
          "test.yaml:14:7: error: unknown question 'amenible', did you mean 'amenable'?");
    const std::string plain = with_rule("consents and\n      drug_grams > 2021-01-01");
    CHECK(load_error(plain) == "test.yaml:13:18: error: cannot compare a number with a date");
  }

  TEST_CASE("a derived value is type-checked even when no rule uses it") {
    const std::string yaml = TestPolicy()
                                 .id("t")
                                 .status("draft")
                                 .head("derived:\n  - id: months_here\n    label: M\n"
                                       "    value: months_between(date_of_brith, incident_date)\n")
                                 .yaml();
    CHECK(load_error(yaml) == "test.yaml:12:27: error: unknown question 'date_of_brith', did you "
                              "mean 'date_of_birth'? (derived value 'months_here')");
  }
}

TEST_SUITE("yaml_tree_cache") {
  TEST_CASE("a tree survives encoding with every position, and damaged bytes are refused") {
    const std::string text = read_source_file("policies/wa-whatcom.yaml");
    const YamlDocument doc = parse_yaml(text, "w.yaml");
    const std::string bytes = encode_yaml_tree("abc", doc.root, text);
    const std::optional<YamlNode> back = decode_yaml_tree(bytes, "abc", text);
    REQUIRE(back);
    CHECK(encode_yaml_tree("abc", *back, text) == bytes);
    // Scalars the text holds verbatim are kept as places in it: the entry is much smaller
    // than the text, and the scalars come back byte for byte.
    CHECK(bytes.size() < text.size() / 2);
    const std::function<void(const YamlNode&, const YamlNode&)> same = [&](const YamlNode& a,
                                                                           const YamlNode& b) {
      REQUIRE(a.kind == b.kind);
      CHECK(a.scalar == b.scalar);
      CHECK(a.quoted == b.quoted);
      CHECK(a.line == b.line);
      CHECK(a.column == b.column);
      REQUIRE(a.items.size() == b.items.size());
      for (size_t i = 0; i < a.items.size(); ++i) same(a.items[i], b.items[i]);
      REQUIRE(a.entries.size() == b.entries.size());
      for (size_t i = 0; i < a.entries.size(); ++i) {
        same(a.entries[i].first, b.entries[i].first);
        same(a.entries[i].second, b.entries[i].second);
      }
    };
    same(doc.root, *back);
    CHECK_FALSE(decode_yaml_tree(bytes, "abd", text)); // another text's hash
    CHECK_FALSE(decode_yaml_tree(bytes.substr(0, bytes.size() - 1), "abc", text)); // truncated
    CHECK_FALSE(decode_yaml_tree(bytes + "x", "abc", text));                       // trailing bytes
    CHECK_FALSE(decode_yaml_tree(bytes, "abc", text.substr(0, 100))); // places past the text
    for (size_t at = 8; at < bytes.size(); at += 7) {                 // no crash on any flip
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
      (void)decode_yaml_tree(damaged, "abc", text);
      damaged[at] = '\xff';
      (void)decode_yaml_tree(damaged, "abc", text);
    }
    for (size_t size = 0; size < bytes.size(); size += 97) { // nor on any cut
      CHECK_FALSE(decode_yaml_tree(bytes.substr(0, size), "abc", text));
    }
  }

  TEST_CASE("scalars the text does not hold verbatim are kept in the entry") {
    const std::string text =
        "a: \"tab\\there\"\nb: >-\n  folded\n  lines\nc: 'it''s'\nd: plain\ne: ''\nf:\n";
    const YamlDocument doc = parse_yaml(text, "t.yaml");
    const std::optional<YamlNode> back =
        decode_yaml_tree(encode_yaml_tree("h", doc.root, text), "h", text);
    REQUIRE(back);
    CHECK(back->find("a")->scalar == "tab\there");
    CHECK(back->find("b")->scalar == "folded lines");
    CHECK(back->find("c")->scalar == "it's");
    CHECK(back->find("c")->quoted);
    CHECK(back->find("d")->scalar == "plain");
    CHECK(back->find("e")->scalar.empty());
    CHECK(back->find("e")->quoted);
    CHECK(back->find("f")->is_null());
  }

  TEST_CASE("a policy loaded from the cache is the same policy") {
    struct MemoryCache : YamlTreeCache {
      mutable std::map<std::string, std::string> trees;
      mutable int hits = 0;
      std::optional<YamlNode> find(const std::string& sha, std::string_view text) const override {
        auto it = trees.find(sha);
        if (it == trees.end()) return std::nullopt;
        ++hits;
        return decode_yaml_tree(it->second, sha, text);
      }
      void store(const std::string& sha, const YamlNode& root,
                 std::string_view text) const override {
        trees[sha] = encode_yaml_tree(sha, root, text);
      }
    };
    auto cache = std::make_shared<MemoryCache>();
    PolicyResolver resolve = [&](const std::string& ref,
                                 const std::string&) -> std::optional<PolicyText> {
      PolicyText t{read_source_file("policies/" + ref + ".yaml"), "policies/" + ref + ".yaml", ".",
                   cache};
      return t;
    };
    PolicyText top{read_source_file("policies/wa-whatcom.yaml"), "policies/wa-whatcom.yaml", ".",
                   cache};
    const Policy first = load_policy(top, resolve);
    const Policy second = load_policy(top, resolve);
    CHECK(cache->hits == 3);
    CHECK(first.rules.size() == second.rules.size());
    CHECK(first.layers.back().sha256 == second.layers.back().sha256);
    CHECK(first.rules.back().where.line == second.rules.back().where.line);
    REQUIRE(first.questions.size() == second.questions.size());
    for (size_t i = 0; i < first.questions.size(); ++i) {
      CHECK(first.questions[i].id == second.questions[i].id);
      CHECK(first.questions[i].label == second.questions[i].label);
      CHECK(first.questions[i].help == second.questions[i].help);
      CHECK(first.questions[i].ask == second.questions[i].ask);
    }
    for (size_t i = 0; i < first.rules.size(); ++i) {
      CHECK(first.rules[i].condition == second.rules[i].condition);
      CHECK(first.rules[i].expr == second.rules[i].expr);
      CHECK(first.rules[i].explain == second.rules[i].explain);
      CHECK(first.rules[i].citation == second.rules[i].citation);
      CHECK(first.rules[i].where.column == second.rules[i].where.column);
    }
  }
}
