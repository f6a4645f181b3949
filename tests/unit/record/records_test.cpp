// SPDX-License-Identifier: Apache-2.0
#include "core/record/allowed_signers.hpp"
#include "core/record/canonical_json.hpp"
#include "core/record/record.hpp"
#include "core/base/text_util.hpp"
#include "core/record/ulid.hpp"
#include "core/record/verify.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace divert;
using namespace divert::testing;
using nlohmann::json;

namespace {

// The sample policy the tests below decide with: the shared preamble (TestPolicy), these rules.
const std::string k_policy = TestPolicy()
                                 .id("sample")
                                 .title("Sample")
                                 .version("3")
                                 .effective("2020-01-01")
                                 .provider("{name: Case management, contact: 555-0100}")
                                 .head("intake:\n  days: 7\nrecord: [case_number]\n")
                                 .rules(R"(  - id: no-probable-cause
    effect: require
    pathways: [arrest_diversion]
    condition: probable_cause
    explain: Needs probable cause.
    citation: c1
  - id: over-quantity
    effect: exclude
    condition: drug_grams > 3
    explain: Too much.
    citation: c2
  - id: no-consent
    effect: require
    condition: consents
    explain: Must consent.
    citation: c3
)")
                                 .yaml();

constexpr long long k_time = 1795694400; // 2026-11-26T12:00:00Z

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return format_diagnostic(e.diagnostics().front());
  }
  return "";
}

RecordContext context(const SigningKey& key, long long seq, std::optional<std::string> prev,
                      long long when = k_time) {
  RecordContext ctx;
  UlidRandom random{};
  random[9] = static_cast<unsigned char>(seq);
  ctx.record_id = make_ulid(when * 1000, random);
  ctx.created_at = when;
  ctx.agency_code = "TEST000";
  ctx.officer_id = "T-0001";
  ctx.key_fpr = key.public_key().fingerprint();
  ctx.device_id = "DEV-1";
  ctx.seq = seq;
  ctx.prev_sha256 = std::move(prev);
  ctx.tool_version = "0.1.0";
  return ctx;
}

struct Made {
  RecordFile file;
  std::string id;
};

Made make_record(const Policy& policy, const SigningKey& key, long long seq,
                 std::optional<std::string> prev, long long when = k_time,
                 const std::string& answers_yaml =
                     "pathway: arrest_diversion\n"
                     "incident_date: 2024-03-02\n"
                     "probable_cause: true\noffense: drug_possession\n"
                     "drug_grams: 2.5\nconsents: true\n") {
  const Answers answers = answers_from(policy, answers_yaml);
  const Decision decision = evaluate(policy, answers, std::nullopt);
  const RecordContext ctx = context(key, seq, std::move(prev), when);
  const std::string bytes =
      canonicalize(build_record(policy, answers, decision, OfficerAction{}, ctx));
  Made m;
  m.id = ctx.record_id;
  m.file.path = "records/REF-" + ctx.record_id + ".json";
  m.file.file_name = "REF-" + ctx.record_id + ".json";
  m.file.bytes = bytes;
  m.file.signature = sshsig_sign(key, bytes, record_namespace("TEST000"));
  return m;
}

AllowedSigners trust_for(const SigningKey& key, const std::string& options = "") {
  return AllowedSigners::parse("T-0001@TEST000 " + options + (options.empty() ? "" : " ") +
                                   key.public_key().openssh() + "\n",
                               "allowed_signers");
}

std::vector<std::string> checks(const RecordReport& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.failures) out.push_back(f.check);
  return out;
}

} // namespace

TEST_SUITE("ulid") {
  TEST_CASE("ULID spec vector and shape") {
    UlidRandom zero{};
    CHECK(make_ulid(1469918176385, zero) == "01ARYZ6S410000000000000000");
    UlidRandom ones;
    ones.fill(0xFF);
    CHECK(make_ulid(0, ones) == "0000000000ZZZZZZZZZZZZZZZZ");
    CHECK(is_ulid("01ARYZ6S410000000000000000"));
    CHECK_FALSE(is_ulid("81ARYZ6S410000000000000000")); // beyond 48 bits
    CHECK_FALSE(is_ulid("01ARYZ6S41000000000000000I")); // I is not Crockford
    CHECK_FALSE(is_ulid("01ARYZ6S41"));
    CHECK(crockford_base32(std::string("\xff", 1)) == "ZW");
  }
}

TEST_SUITE("record") {
  TEST_CASE("RFC 3339 times") {
    CHECK(format_rfc3339(k_time) == "2026-11-26T12:00:00Z");
    CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
    CHECK(parse_rfc3339("2026-11-26T12:00:00Z") == k_time);
    CHECK_FALSE(parse_rfc3339("2026-11-26T12:00:00+00:00"));
    CHECK_FALSE(parse_rfc3339("2026-02-30T12:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2026-11-26T24:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2026-11-26 12:00:00Z"));
  }

  TEST_CASE("ids that can appear in file names and principals") {
    CHECK(is_safe_id("B-4417"));
    CHECK(is_safe_id("WA0340000"));
    CHECK_FALSE(is_safe_id(""));
    CHECK_FALSE(is_safe_id("-x"));
    CHECK_FALSE(is_safe_id("a/b"));
    CHECK_FALSE(is_safe_id("a@b"));
    CHECK_FALSE(is_safe_id(std::string(65, 'a')));
  }

  TEST_CASE("a record holds every field of record.md") {
    const Policy policy = load_text(k_policy);
    const SigningKey key = SigningKey::generate();
    Answers answers =
        answers_from(policy, "pathway: arrest_diversion\nincident_date: 2024-03-02\n"
                             "probable_cause: true\ndrug_grams: 2.5\noffense: drug_possession\n"
                             "consents: true\ncase_number: C-1\n"
                             "date_of_birth: 1990-01-01\n");
    set_answer("residency_months=12", policy, answers);
    const Decision decision = evaluate(policy, answers, std::nullopt);
    REQUIRE(decision.outcome == Outcome::eligible);
    RecordContext ctx = context(key, 3, std::string(64, 'a'));
    ctx.supersedes = "01ARYZ6S410000000000000000";
    const json r =
        build_record(policy, answers, decision, OfficerAction{ActionKind::decline, "no"}, ctx);

    CHECK(r["schema"] == "divert.referral/1");
    CHECK(r["created_at"] == "2026-11-26T12:00:00Z");
    CHECK(r["agency"] == json{{"code", "TEST000"}, {"name", nullptr}});
    CHECK(r["officer"]["principal"] == "T-0001@TEST000");
    CHECK(r["officer"]["key_fpr"] == key.public_key().fingerprint());
    CHECK(r["device"] == json{{"id", "DEV-1"}, {"seq", 3}, {"prev_sha256", std::string(64, 'a')}});
    CHECK(r["policy"]["id"] == "sample");
    CHECK(r["policy"]["version"] == "3");
    CHECK(r["policy"]["status"] == "adopted");
    REQUIRE(r["policy"]["layers"].size() == policy.layers.size());
    CHECK(r["policy"]["layers"][0]["id"] == "lead-vocabulary");
    CHECK(r["policy"]["layers"].back()["sha256"] == policy.layers.back().sha256);
    CHECK(r["pathway"] == "arrest_diversion");
    // Asked and answered, plus the declared record-only question; never what was not read.
    CHECK(r["answers"]["drug_grams"] == json{{"value", 2.5}, {"source", "file"}});
    CHECK(r["answers"]["probable_cause"] == json{{"value", true}, {"source", "file"}});
    CHECK(r["answers"]["case_number"] == json{{"value", "C-1"}, {"source", "file"}});
    CHECK(r["answers"]["incident_date"]["value"] == "2024-03-02");
    CHECK_FALSE(r["answers"].contains("date_of_birth"));
    CHECK_FALSE(r["answers"].contains("residency_months"));
    CHECK(r["unused"] == json{"date_of_birth", "residency_months"});
    CHECK(r["decision"]["outcome"] == "eligible");
    CHECK(r["decision"]["reasons"] == json::array());
    CHECK(r["officer_action"] == json{{"action", "decline"}, {"reason", "no"}});
    CHECK(r["referral"]["provider"] == "Case management");
    CHECK(r["referral"]["intake_deadline"] == "2024-03-09");
    CHECK(r["referral"]["approver"] == nullptr);
    CHECK(r["supersedes"] == "01ARYZ6S410000000000000000");
    CHECK(r["tool"] == json{{"name", "divert"}, {"version", "0.1.0"}});

    // The canonical bytes parse back to the same object and are stable.
    const std::string bytes = canonicalize(r);
    CHECK(parse_json_strict(bytes, "r") == r);
    CHECK(canonicalize(parse_json_strict(bytes, "r")) == bytes);
    CHECK(bytes.back() == '}');
  }

  TEST_CASE("sources and values by question type") {
    const Policy policy = load_text(k_policy);
    Answers answers = answers_from(policy, "pathway: arrest_diversion\nincident_date: 2024-03-02\n"
                                           "probable_cause: false\noffense: drug_possession\n");
    set_answer("drug_grams=4", policy, answers);
    const Decision decision = evaluate(policy, answers, std::nullopt);
    REQUIRE(decision.outcome == Outcome::ineligible);
    const json r = build_record(policy, answers, decision, std::nullopt,
                                context(SigningKey::generate(), 1, std::nullopt));
    CHECK(r["answers"]["drug_grams"] == json{{"value", 4}, {"source", "set"}});
    CHECK(canonicalize(r["answers"]["drug_grams"]) == R"({"source":"set","value":4})");
    CHECK(r["officer_action"] == nullptr);
    CHECK(r["referral"] == nullptr);
    CHECK(r["device"]["prev_sha256"] == nullptr);
    CHECK(r["decision"]["reasons"][0] == json{{"rule", "no-probable-cause"},
                                              {"effect", "require"},
                                              {"text", "Needs probable cause."},
                                              {"citation", "c1"}});
  }

  TEST_CASE("an incomplete decision is never recorded") {
    const Policy policy = load_text(k_policy);
    const Answers answers = answers_from(policy, "pathway: arrest_diversion\n");
    const Decision decision = evaluate(policy, answers, std::nullopt);
    REQUIRE(decision.outcome == Outcome::incomplete);
    CHECK_THROWS_AS(build_record(policy, answers, decision, OfficerAction{},
                                 context(SigningKey::generate(), 1, std::nullopt)),
                    InputError);
  }
}

TEST_SUITE("allowed_signers") {
  TEST_CASE("OpenSSH patterns") {
    CHECK(match_pattern("B-4417@WA1", "*@WA1"));
    CHECK(match_pattern("B-4417@WA1", "B-44??@WA1"));
    CHECK_FALSE(match_pattern("B-4417@WA1", "B-44?@WA1"));
    CHECK(match_pattern("", "*"));
    CHECK_FALSE(match_pattern("b-4417@WA1", "B-4417@WA1")); // case-sensitive
    CHECK(match_pattern("aXbXc", "a*b*c"));
    CHECK(match_pattern_list("B-1@WA1", "X@WA1,*@WA1") == 1);
    CHECK(match_pattern_list("B-1@WA1", "*@WA1,!B-1@WA1") == -1);
    CHECK(match_pattern_list("B-2@WA1", "*@WA1,!B-1@WA1") == 1);
    CHECK(match_pattern_list("B-2@WA1", "!B-1@WA1") == 0);
    CHECK(match_pattern_list("x", "") == 0);
  }

  TEST_CASE("times as OpenSSH reads them") {
    CHECK(parse_openssh_time("20261126Z") == 1795651200);
    CHECK(parse_openssh_time("202611261200Z") == k_time);
    CHECK(parse_openssh_time("20261126120000z") == k_time);
    CHECK(parse_openssh_time("20261126120000UTC") == k_time);
    std::string why;
    CHECK_FALSE(parse_openssh_time("20261126120000", &why));
    CHECK(why.find("local time") != std::string::npos);
    // strptime's ranges, then timegm's roll-over: February 30 is March 2, second 61 the next
    // minute's first (ssh-keygen -Y verify accepts both).
    CHECK(parse_openssh_time("20260230Z") == parse_openssh_time("20260302Z"));
    CHECK(parse_openssh_time("20261126115961Z") == k_time + 1);
    CHECK_FALSE(parse_openssh_time("20260232Z"));
    CHECK_FALSE(parse_openssh_time("20261300Z"));
    CHECK_FALSE(parse_openssh_time("20261200Z"));
    CHECK_FALSE(parse_openssh_time("20261126115962Z"));
    CHECK_FALSE(parse_openssh_time("20261126240000Z"));
    CHECK_FALSE(parse_openssh_time("19700101Z")); // OpenSSH refuses the epoch itself
    CHECK(parse_openssh_time("19700101000001Z") == 1);
    CHECK_FALSE(parse_openssh_time("2026112612Z"));
    CHECK_FALSE(parse_openssh_time("20261126126000Z"));
    // Without 'Z' the verifier's local time, converted by the front-end's function.
    const LocalTimeToEpoch plus_one_hour = [](int y, int mo, int d, int h, int mi, int s) {
      const auto utc =
          parse_openssh_time(fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}Z", y, mo, d, h, mi, s));
      return utc ? std::optional<long long>(*utc - 3600) : std::nullopt;
    };
    CHECK(parse_openssh_time("20261126130000", nullptr, plus_one_hour) == k_time);
    CHECK(parse_openssh_time("20261126Z", nullptr, plus_one_hour) == 1795651200);
    CHECK(format_openssh_time(k_time) == "20261126120000Z");
  }

  TEST_CASE("parsing lines, options and keys") {
    const SigningKey key = SigningKey::generate();
    const std::string pub = key.public_key().openssh("comment here");
    const AllowedSigners s =
        AllowedSigners::parse("# comment\n\n   \n"
                              "\"a@X,b@X\" " +
                                  pub +
                                  "\n"
                                  "c@X "
                                  "namespaces=\"divert-referral-v1@X\",VALID-AFTER=\"20260101Z\","
                                  "valid-before=\"20270101Z\" " +
                                  pub +
                                  "\r\n"
                                  "d@X ssh-rsa AAAAB3NzaC1yc2E=\n",
                              "as");
    REQUIRE(s.entries().size() == 3);
    CHECK(s.entries()[0].line == 4);
    CHECK(s.entries()[0].principals == "a@X,b@X");
    CHECK(s.entries()[0].key == key.public_key());
    CHECK(s.entries()[1].namespaces == "divert-referral-v1@X");
    CHECK(s.entries()[1].valid_after == 1767225600);
    CHECK(s.entries()[1].valid_before == 1798761600);
    CHECK(s.entries()[2].key_type == "ssh-rsa");
    CHECK_FALSE(s.entries()[2].key);
  }

  TEST_CASE("every unsupported or malformed line is an error naming it") {
    const std::string pub = SigningKey::generate().public_key().openssh();
    auto err = [&](const std::string& line) {
      return error_of([&] { AllowedSigners::parse("# first\n" + line + "\n", "as"); });
    };
    CHECK(err("a@X cert-authority " + pub) ==
          "as:2:5: error: unsupported allowed_signers option 'cert-authority' (divert supports "
          "namespaces=, valid-after= and valid-before=)");
    CHECK(err("a@X no-touch-required " + pub)
              .find("unsupported allowed_signers option 'no-touch-required'") != std::string::npos);
    CHECK(err("a@X namespaces=x " + pub).find("must be in double quotes") != std::string::npos);
    CHECK(err("a@X namespaces=\"a\",namespaces=\"b\" " + pub).find("more than one namespaces=") !=
          std::string::npos);
    CHECK(err("a@X valid-after=\"20270101Z\",valid-before=\"20260101Z\" " + pub)
              .find("not after valid-after") != std::string::npos);
    CHECK(err("a@X valid-after=\"20270101\" " + pub).find("local time") != std::string::npos);
    CHECK(err("a@X namespaces=\"a\", " + pub).find("options end with ','") != std::string::npos);
    CHECK(err("a@X") ==
          "as:2:1: error: expected principals, then options (optional), then a public key");
    CHECK(err("a@X namespaces=\"a\"") == "as:2:5: error: missing public key after the options");
    CHECK(err("a@X namespaces=\"a\" ssh-foo AAAA") == "as:2:20: error: unknown key type 'ssh-foo'");
    CHECK(err("a@X ssh-ed25519 !!!").find("as:2:5: error:") == 0);
    CHECK(err("\"a@X " + pub).find("unterminated quoted principals") != std::string::npos);
  }

  TEST_CASE("trust decisions follow ssh-keygen -Y verify") {
    const SigningKey key = SigningKey::generate();
    const SigningKey other = SigningKey::generate();
    const std::string pub = key.public_key().openssh();
    const AllowedSigners s =
        AllowedSigners::parse("*@X,!bad@X "
                              "namespaces=\"divert-referral-v1@X\",valid-after=\"20260101Z\",valid-"
                              "before=\"20270101Z\" " +
                                  pub +
                                  "\n"
                                  "old@X valid-before=\"20250101Z\" " +
                                  pub + "\n",
                              "as");
    const PublicKey k = key.public_key();
    CHECK(s.check(k, "a@X", "divert-referral-v1@X", k_time).trusted);
    CHECK(s.check(k, "a@X", "divert-referral-v1@X", k_time).line == 1);
    CHECK(s.check(other.public_key(), "a@X", "divert-referral-v1@X", k_time).check == "trust");
    CHECK(s.check(k, "bad@X", "divert-referral-v1@X", k_time).check == "principal");
    CHECK(s.check(k, "a@Y", "divert-referral-v1@X", k_time).check == "principal");
    CHECK(s.check(k, "a@X", "divert-referral-v1@Y", k_time).check == "namespace");
    CHECK(s.check(k, "a@X", "divert-referral-v1@X", 1767225600 - 1).check == "validity");
    CHECK(s.check(k, "a@X", "divert-referral-v1@X", 1767225600).trusted); // valid-after inclusive
    CHECK(s.check(k, "a@X", "divert-referral-v1@X", 1798761600).trusted); // valid-before inclusive
    CHECK(s.check(k, "a@X", "divert-referral-v1@X", 1798761601).check == "validity");
    // Any line that allows it is enough, as in OpenSSH.
    CHECK(s.check(k, "old@X", "anything", 1700000000).trusted);
    CHECK(s.check(k, "old@X", "anything", k_time).check == "validity");
  }
}

TEST_SUITE("verify") {
  TEST_CASE("a good record passes every check") {
    const Policy policy = load_text(k_policy);
    const SigningKey key = SigningKey::generate();
    const Made m = make_record(policy, key, 1, std::nullopt);
    const RecordReport r = check_record(m.file, trust_for(key));
    CHECK(checks(r).empty());
    CHECK(r.record_id == m.id);
    CHECK(r.principal == "T-0001@TEST000");
    CHECK(r.seq == 1);
    CHECK(r.sha256 == sha256_hex(m.file.bytes));
    CHECK(r.policy_layers.size() == policy.layers.size());
  }

  TEST_CASE("tampering is named") {
    const Policy policy = load_text(k_policy);
    const SigningKey key = SigningKey::generate();
    const AllowedSigners trust = trust_for(key);
    const Made m = make_record(policy, key, 1, std::nullopt);

    RecordFile one_byte = m.file;
    one_byte.bytes[one_byte.bytes.find("2.5") + 2] = '6';
    CHECK(checks(check_record(one_byte, trust)) == std::vector<std::string>{"signature"});

    RecordFile pretty = m.file;
    pretty.bytes = parse_json_strict(m.file.bytes, "x").dump(1);
    CHECK(checks(check_record(pretty, trust)) ==
          std::vector<std::string>{"canonical", "signature"});

    RecordFile no_sig = m.file;
    no_sig.signature.reset();
    CHECK(checks(check_record(no_sig, trust)) == std::vector<std::string>{"signature_file"});

    RecordFile renamed = m.file;
    renamed.file_name = "REF-01ARYZ6S410000000000000000.json";
    CHECK(checks(check_record(renamed, trust)) == std::vector<std::string>{"file_name"});

    RecordFile other_ns = m.file;
    other_ns.signature = sshsig_sign(key, m.file.bytes, "divert-referral-v1@OTHER");
    CHECK(checks(check_record(other_ns, trust)) == std::vector<std::string>{"namespace"});

    const SigningKey stranger = SigningKey::generate();
    RecordFile resigned = m.file;
    resigned.signature = sshsig_sign(stranger, m.file.bytes, record_namespace("TEST000"));
    CHECK(checks(check_record(resigned, trust)) == std::vector<std::string>{"trust", "key_fpr"});
    // Trusted, but the record names another key.
    CHECK(checks(check_record(resigned, trust_for(stranger))) ==
          std::vector<std::string>{"key_fpr"});

    CHECK(checks(check_record(m.file, trust_for(key, "valid-before=\"20260101Z\""))) ==
          std::vector<std::string>{"validity"});

    RecordFile garbage = m.file;
    garbage.bytes = "{\"a\":1,\"a\":2}";
    CHECK(checks(check_record(garbage, trust)) == std::vector<std::string>{"json"});
  }

  TEST_CASE("the device chain: gaps, forks, mismatches, clock") {
    const Policy policy = load_text(k_policy);
    const SigningKey key = SigningKey::generate();
    const AllowedSigners trust = trust_for(key);
    const Made r1 = make_record(policy, key, 1, std::nullopt, k_time);
    const Made r2 = make_record(policy, key, 2, sha256_hex(r1.file.bytes), k_time + 60);
    const Made r3 = make_record(policy, key, 3, sha256_hex(r2.file.bytes), k_time + 120);
    auto run = [&](std::vector<const Made*> made, const ChainStarts& starts = {}) {
      std::vector<RecordReport> reports;
      for (const Made* m : made) reports.push_back(check_record(m->file, trust));
      check_chains(reports, starts);
      return reports;
    };

    auto good = run({&r1, &r2, &r3});
    for (const RecordReport& r : good) CHECK(r.ok());

    auto gap = run({&r1, &r3});
    CHECK(gap[0].ok());
    CHECK(checks(gap[1]) == std::vector<std::string>{"chain_gap"});

    // A chain that does not start at seq 1 has lost its first records, unless the auditor
    // says where the records handed over start.
    auto tail = run({&r2, &r3});
    CHECK(checks(tail[0]) == std::vector<std::string>{"chain_start"});
    CHECK(tail[1].ok());
    auto from = run({&r2, &r3}, {{"DEV-1", 2}});
    CHECK(from[0].ok());
    CHECK(from[1].ok());
    CHECK(checks(run({&r3}, {{"DEV-1", 2}})[0]) == std::vector<std::string>{"chain_start"});
    CHECK(run({&r1, &r2}, {{"DEV-1", 2}})[0].ok()); // more than asked for is no failure
    {
      std::vector<RecordReport> reports{check_record(r1.file, trust)};
      const std::vector<Finding> missing = check_chains(reports, {{"DEV-1", 1}, {"DEV-X", 3}});
      REQUIRE(missing.size() == 1);
      CHECK(missing[0].check == "chain_start");
      CHECK(missing[0].message.find("DEV-X") != std::string::npos);
    }

    // The same record twice (a file and its folder, or a copy) is one record, not a fork.
    auto twice = run({&r1, &r2, &r2, &r3});
    for (const RecordReport& r : twice) CHECK(r.ok());

    const Made r2b = make_record(policy, key, 2, sha256_hex(r1.file.bytes), k_time + 90);
    auto fork = run({&r1, &r2, &r2b});
    CHECK(checks(fork[1]) == std::vector<std::string>{"chain_fork", "chain_fork"});
    CHECK(checks(fork[2]) == std::vector<std::string>{"chain_fork", "chain_fork"});

    const Made r3wrong = make_record(policy, key, 3, sha256_hex(r1.file.bytes), k_time + 120);
    auto wrong = run({&r1, &r2, &r3wrong});
    CHECK(checks(wrong[2]) == std::vector<std::string>{"chain_fork", "chain_prev"});

    const Made first_with_prev = make_record(policy, key, 1, std::string(64, '0'));
    CHECK(checks(run({&first_with_prev})[0]) == std::vector<std::string>{"chain_prev"});
    const Made later_without_prev = make_record(policy, key, 5, std::nullopt);
    CHECK(checks(run({&later_without_prev}, {{"DEV-1", 5}})[0]) ==
          std::vector<std::string>{"chain_prev"});

    const Made back = make_record(policy, key, 2, sha256_hex(r1.file.bytes), k_time - 60);
    auto clock = run({&r1, &back});
    CHECK(clock[1].ok());
    REQUIRE(clock[1].warnings.size() == 1);
    CHECK(clock[1].warnings[0].check == "created_at");
  }

  TEST_CASE("only trusted records take part in the chain") {
    const Policy policy = load_text(k_policy);
    const SigningKey key = SigningKey::generate();
    const SigningKey stranger = SigningKey::generate();
    const AllowedSigners trust = trust_for(key);
    const Made r1 = make_record(policy, key, 1, std::nullopt, k_time);
    const Made r2 = make_record(policy, key, 2, sha256_hex(r1.file.bytes), k_time + 60);
    const Made r3 = make_record(policy, key, 3, sha256_hex(r2.file.bytes), k_time + 120);
    // Someone else's files claiming the genuine records' places: unsigned, or signed by a key
    // the trust list does not allow.
    Made unsigned_2 = make_record(policy, key, 2, sha256_hex(r1.file.bytes), k_time + 90);
    unsigned_2.file.signature.reset();
    const Made stranger_3 =
        make_record(policy, stranger, 3, sha256_hex(r2.file.bytes), k_time + 100);
    Made unsigned_1 = make_record(policy, key, 1, std::nullopt, k_time - 60);
    unsigned_1.file.signature.reset();
    std::vector<RecordReport> reports;
    for (const Made* m :
         std::vector<const Made*>{&r1, &r2, &r3, &unsigned_2, &stranger_3, &unsigned_1}) {
      reports.push_back(check_record(m->file, trust));
    }
    check_chains(reports);
    CHECK(reports[0].ok());
    CHECK(reports[1].ok());
    CHECK(reports[2].ok());
    CHECK(checks(reports[3]) == std::vector<std::string>{"signature_file"});
    CHECK(checks(reports[4]) == std::vector<std::string>{"trust"});
    CHECK(checks(reports[5]) == std::vector<std::string>{"signature_file"});

    // An unsigned lower seq does not make a genuine record fail chain_prev.
    std::vector<RecordReport> lower{check_record(r3.file, trust),
                                    check_record(unsigned_2.file, trust)};
    check_chains(lower, {{"DEV-1", 3}});
    CHECK(lower[0].ok());

    // A genuine record whose signature is broken leaves a hole that the next record names.
    Made broken_2 = r2;
    broken_2.file.bytes[broken_2.file.bytes.size() / 2] ^= 1;
    std::vector<RecordReport> hole{check_record(r1.file, trust), check_record(broken_2.file, trust),
                                   check_record(r3.file, trust)};
    check_chains(hole);
    REQUIRE(checks(hole[2]) == std::vector<std::string>{"chain_gap"});
    CHECK(hole[2].failures[0].message.find(broken_2.file.file_name) != std::string::npos);
  }

  TEST_CASE("policy layers: id, version and sha256 together") {
    const Policy policy = load_text(k_policy);
    const SigningKey key = SigningKey::generate();
    RecordReport r = check_record(make_record(policy, key, 1, std::nullopt).file, trust_for(key));
    std::vector<KnownPolicyFile> known;
    for (const PolicyLayer& layer : policy.layers) {
      known.push_back({layer.file, layer.sha256, layer.id, layer.version});
    }
    check_policy_layers(r, known, "p");
    CHECK(r.ok());

    // The same bytes under another id or version: not the policy the record names.
    std::vector<KnownPolicyFile> renamed = known;
    renamed.back().id = "other";
    check_policy_layers(r, renamed, "p");
    REQUIRE(checks(r) == std::vector<std::string>{"policy"});
    CHECK(r.failures[0].message ==
          "policy sample 3: the file with sha256 " + policy.layers.back().sha256 + " (" +
              policy.layers.back().file + ") is policy other 3, not that policy");
    r.failures.clear();
    renamed.back() = known.back();
    renamed.back().version = "4";
    check_policy_layers(r, renamed, "p");
    CHECK(checks(r) == std::vector<std::string>{"policy"});
    r.failures.clear();
    // Another file with the right id and version but other bytes does not help either.
    renamed.push_back({"q.yaml", std::string(64, 'a'), "sample", "3"});
    check_policy_layers(r, renamed, "p");
    CHECK(checks(r) == std::vector<std::string>{"policy"});
    r.failures.clear();

    known.pop_back();
    check_policy_layers(r, known, "p");
    REQUIRE(checks(r) == std::vector<std::string>{"policy"});
    CHECK(r.failures[0].message ==
          "policy sample 3: no *.yaml under p has sha256 " + policy.layers.back().sha256);
  }
}
