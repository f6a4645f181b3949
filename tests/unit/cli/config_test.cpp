// SPDX-License-Identifier: Apache-2.0
#include "cli/config.hpp"
#include "cli/publish.hpp"

#include "core/base/error.hpp"
#include "core/base/text_util.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace fs = std::filesystem;
using namespace divert;
using namespace divert::cli;
using divert::testing::TempDir;

namespace {

std::string write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_SUITE("config") {
  TEST_CASE("reads a configuration, resolving relative paths against its directory") {
    TempDir dir;
    const std::string path = write(dir.path / "config.yaml",
                                   "officer: B-4417\nagency: \"WA0340000\"\ndevice: DEV-1\n"
                                   "key: keys/k.pem\nrecords: /var/records\npolicy: wa-whatcom\n");
    const std::optional<Config> c = read_config(path);
    REQUIRE(c);
    CHECK(c->officer == "B-4417");
    CHECK(c->agency == "WA0340000");
    CHECK(c->key == (dir.path / "keys/k.pem").string());
    CHECK(c->records == "/var/records");
    CHECK(c->policy == "wa-whatcom");
    CHECK_FALSE(read_config((dir.path / "none.yaml").string()));
  }

  TEST_CASE("the policy trust keys: program, policy_trust, and decide's partial reading") {
    TempDir dir;
    const std::string path =
        write(dir.path / "config.yaml", "program: whatcom-lead\npolicy_trust: policy-signers\n");
    // decide and batch need only the trust keys; screen needs the officer's too.
    const std::optional<Config> partial = read_config(path, false);
    REQUIRE(partial);
    CHECK(partial->program_id() == "whatcom-lead");
    CHECK(partial->policy_trust == (dir.path / "policy-signers").string());
    CHECK_THROWS_AS(read_config(path), KeyError);

    // Without a program, the agency code names the program.
    write(dir.path / "config.yaml", "agency: WA0340000\npolicy_trust: /etc/t\n");
    CHECK(read_config(path, false)->program_id() == "WA0340000");
    write(dir.path / "config.yaml", "program: \"a b\"\n");
    CHECK_THROWS_AS(read_config(path, false), InputError);

    Config c;
    c.officer = "B-1";
    c.agency = "A";
    c.device = "DEV-1";
    c.key = "/k.pem";
    c.records = "/r";
    c.program = "whatcom-lead";
    c.policy_trust = "/etc/divert/policy-signers";
    write(dir.path / "config.yaml", config_text(c));
    const std::optional<Config> back = read_config(path);
    REQUIRE(back);
    CHECK(back->program == c.program);
    CHECK(back->policy_trust == c.policy_trust);
  }

  TEST_CASE("what keygen writes reads back the same") {
    TempDir dir;
    Config c;
    c.officer = "B-4417";
    c.agency = "WA0340000";
    c.agency_name = "Sheriff's \"Office\" #1";
    c.device = "DEV-2";
    c.key = "/path with spaces/k.pem";
    c.records = "/r";
    const std::string path = write(dir.path / "config.yaml", config_text(c));
    const std::optional<Config> back = read_config(path);
    REQUIRE(back);
    CHECK(back->agency_name == c.agency_name);
    CHECK(back->key == c.key);
    CHECK(back->policy.empty());
  }

  TEST_CASE("problems in a configuration") {
    TempDir dir;
    auto problem = [&](const std::string& text) -> std::string {
      const std::string path = write(dir.path / "c.yaml", text);
      try {
        read_config(path);
      } catch (const InputError& e) {
        return "65: " + format_diagnostic(e.diagnostics().front()).substr(path.size());
      } catch (const KeyError& e) {
        return std::string("77: ") + e.what();
      }
      return "";
    };
    const std::string ok = "officer: a\nagency: b\ndevice: c\nkey: k\nrecords: r\n";
    CHECK(problem(ok + "colour: red\n")
              .starts_with("65: :6:1: error: unknown configuration key 'colour'"));
    CHECK(problem("officer: a b\n").starts_with("65: :1:10: error: 'officer' must be"));
    CHECK(problem("officer: a\nagency: b\ndevice: c\nrecords: r\n").find("has no 'key'") !=
          std::string::npos);
    CHECK(problem("").starts_with("77: "));
  }
}

TEST_SUITE("publish") {
  TEST_CASE("files appear complete, in order, private, never replaced") {
    TempDir dir;
    const std::string records = (dir.path / "a/b/records").string();
    publish_files(records, {{"x.sig", "S", 0600}, {"x.json", "J", 0600}});
    CHECK(read(fs::path(records) / "x.json") == "J");
    struct stat st {};
    REQUIRE(::stat(records.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(::stat((records + "/x.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    // The second file exists: nothing of this publish stays, the old file is untouched.
    CHECK_THROWS_AS(publish_files(records, {{"y.sig", "S2", 0600}, {"x.json", "J2", 0600}}),
                    CannotCreateError);
    CHECK(read(fs::path(records) / "x.json") == "J");
    CHECK_FALSE(fs::exists(fs::path(records) / "y.sig"));
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(records)) ++n;
    CHECK(n == 2);
  }

  TEST_CASE("the device chain advances only after a publish") {
    TempDir dir;
    const std::string records = (dir.path / "records").string();
    const std::string state = (dir.path / "state").string();
    long long seen_seq = 0;
    std::optional<std::string> seen_prev;
    auto make = [&](const std::string& id) {
      return [&, id](long long seq, const std::optional<std::string>& prev) {
        seen_seq = seq;
        seen_prev = prev;
        return SignedRecord{id, fmt::format("{{\"id\":\"{}\",\"seq\":{}}}", id, seq), "sig"};
      };
    };
    const PublishedRecord first = publish_record(records, state, "DEV-1", make("A"));
    CHECK(first.seq == 1);
    CHECK_FALSE(seen_prev);
    CHECK(first.path == records + "/REF-A.json");
    const PublishedRecord second = publish_record(records, state, "DEV-1", make("B"));
    CHECK(second.seq == 2);
    CHECK(seen_prev == first.sha256);
    // A failed publish (the record exists) leaves the state where it was.
    CHECK_THROWS_AS(publish_record(records, state, "DEV-1", make("B")), CannotCreateError);
    const PublishedRecord third = publish_record(records, state, "DEV-1", make("C"));
    CHECK(third.seq == 3);
    CHECK(seen_prev == second.sha256);
    // Another device has its own chain.
    CHECK(publish_record(records, state, "DEV-2", make("D")).seq == 1);
  }

  // A state file as a crash leaves it: seq 1 published, seq 2 reserved for record `id`.
  std::string reserved_state(const std::string& records, const std::string& first_sha,
                             const std::string& id, const std::string& json,
                             const std::string& sig) {
    return fmt::format(
        "{{\"device\":\"DEV-1\",\"pending\":{{\"record_id\":\"{}\",\"records\":\"{}\","
        "\"seq\":2,\"sha256\":\"{}\",\"signature_sha256\":\"{}\"}},"
        "\"record_id\":\"A\",\"seq\":1,\"sha256\":\"{}\"}}\n",
        id, records, sha256_hex(json), sha256_hex(sig), first_sha);
  }

  TEST_CASE("a reservation left by a crash is settled: no seq twice, no gap, only own files") {
    TempDir dir;
    const fs::path records = dir.path / "records";
    const std::string state = (dir.path / "state").string();
    const fs::path state_file = dir.path / "state/devices/DEV-1.json";
    auto make = [](const std::string& id, std::optional<std::string>* prev = nullptr) {
      return [id, prev](long long seq, const std::optional<std::string>& p) {
        if (prev != nullptr) *prev = p;
        return SignedRecord{id, fmt::format("{{\"id\":\"{}\",\"seq\":{}}}", id, seq), "sig" + id};
      };
    };
    const PublishedRecord first = publish_record(records.string(), state, "DEV-1", make("A"));
    REQUIRE(first.seq == 1);

    // Killed after publishing B, before the state said so: B is seq 2, the next is seq 3.
    write(records / "REF-B.json", "B-bytes");
    write(records / "REF-B.json.sshsig", "B-sig");
    write(state_file, reserved_state(records.string(), first.sha256, "B", "B-bytes", "B-sig"));
    std::optional<std::string> prev;
    const PublishedRecord third =
        publish_record(records.string(), state, "DEV-1", make("C", &prev));
    CHECK(third.seq == 3);
    CHECK(prev == sha256_hex("B-bytes"));

    // Killed between the two renames of D (seq 4): D's orphan signature and this device's
    // temporary files go, seq 4 is taken by the next record; another device's files stay.
    write(records / "REF-D.json.sshsig", "D-sig");
    write(records / ".REF-D.json.tmp-DEV-1-abcdef", "D-bytes");
    write(records / ".REF-X.json.sshsig.tmp-DEV-2-abcdef", "X-sig");
    write(records / ".REF-Y.json.tmp-DEV-1x-abcdef", "Y");
    write(records / "REF-X.json.sshsig", "X-sig");
    std::string text = reserved_state(records.string(), third.sha256, "D", "D-bytes", "D-sig");
    text.replace(text.find("\"seq\":2"), 7, "\"seq\":4");
    text.replace(text.find("\"seq\":1"), 7, "\"seq\":3");
    write(state_file, text);
    const PublishedRecord fourth =
        publish_record(records.string(), state, "DEV-1", make("E", &prev));
    CHECK(fourth.seq == 4);
    CHECK(prev == third.sha256);
    CHECK_FALSE(fs::exists(records / "REF-D.json.sshsig"));
    CHECK_FALSE(fs::exists(records / ".REF-D.json.tmp-DEV-1-abcdef"));
    CHECK(fs::exists(records / ".REF-X.json.sshsig.tmp-DEV-2-abcdef"));
    CHECK(fs::exists(records / ".REF-Y.json.tmp-DEV-1x-abcdef"));
    CHECK(fs::exists(records / "REF-X.json.sshsig"));
    CHECK(read(state_file).find("\"pending\":null") != std::string::npos);

    // A reserved record whose folder is gone: the chain cannot be told, so nothing is written.
    text = reserved_state((dir.path / "gone").string(), fourth.sha256, "F", "F", "F");
    text.replace(text.find("\"seq\":2"), 7, "\"seq\":5");
    text.replace(text.find("\"seq\":1"), 7, "\"seq\":4");
    write(state_file, text);
    CHECK_THROWS_AS(publish_record(records.string(), state, "DEV-1", make("G")), IoError);
    CHECK_FALSE(fs::exists(records / "REF-G.json"));
  }
}
