// SPDX-License-Identifier: Apache-2.0
// A laptop shared by officers: one configuration each, the last used the default, a laptop set
// up before officers were told apart unchanged; and the rule for a new key's passphrase.
#include "cli/config.hpp"
#include "cli/draft.hpp"
#include "cli/passphrase.hpp"

#include "core/base/error.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <vector>

namespace fs = std::filesystem;
using namespace divert;
using namespace divert::cli;
using divert::testing::TempDir;

namespace {

std::string officer_config(const std::string& officer, const std::string& agency = "WA0340000") {
  Config c;
  c.officer = officer;
  c.agency = agency;
  c.device = "DEV-" + officer;
  c.key = "/keys/" + officer + ".key.pem";
  c.records = "/records/" + officer;
  return config_text(c);
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

struct Laptop {
  TempDir dir;
  ConfigStore store{(dir.path / "config").string(), (dir.path / "state").string()};
  std::string first() const { return store.config_dir + "/config.yaml"; }
  std::string further(const std::string& officer) const {
    return store.config_dir + "/officers/" + officer + ".yaml";
  }
};

std::string key_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const KeyError& e) {
    return e.what();
  }
  return "no KeyError";
}

// Answers the prompts from a script, and keeps the prompts asked.
struct Typist {
  explicit Typist(std::vector<std::string> typed) : lines(std::move(typed)) {}
  std::vector<std::string> lines;
  std::vector<std::string> prompts;
  std::size_t next = 0;
  Passphrase operator()(const std::string& prompt) {
    prompts.push_back(prompt);
    REQUIRE(next < lines.size());
    return Passphrase(lines[next++]);
  }
};

} // namespace

TEST_SUITE("officers") {
  TEST_CASE("a laptop set up before officers were told apart keeps its one configuration") {
    Laptop laptop;
    write(laptop.first(), officer_config("B-4417"));
    CHECK(default_config_path(laptop.store) == laptop.first());
    CHECK(officer_config_path(laptop.store, "B-4417") == laptop.first());
    CHECK(select_config(laptop.store, "").officer == "B-4417");
    CHECK(select_config(laptop.store, "B-4417").records == "/records/B-4417");
    CHECK(known_officers(laptop.store) == std::vector<std::string>{"B-4417"});
    CHECK(further_officer_of(laptop.first()).empty());
    CHECK(draft_path(false, further_officer_of(laptop.first())).ends_with("/drafts/screen.json"));
  }

  TEST_CASE("an empty laptop: the first officer's configuration is config.yaml") {
    Laptop laptop;
    CHECK(officer_config_path(laptop.store, "B-4417") == laptop.first());
    CHECK(default_config_path(laptop.store) == laptop.first());
    CHECK(known_officers(laptop.store).empty());
    CHECK(key_error([&] { select_config(laptop.store, "B-4417"); }) ==
          "no configuration for officer 'B-4417' on this laptop (it has none); set it up with "
          "'divert keygen --officer B-4417 --agency CODE'");
  }

  TEST_CASE(
      "a second officer gets a configuration of their own, and the last used is the default") {
    Laptop laptop;
    write(laptop.first(), officer_config("B-4417"));
    CHECK(officer_config_path(laptop.store, "C-1002") == laptop.further("C-1002"));
    write(laptop.further("C-1002"), officer_config("C-1002"));
    CHECK(officer_config_path(laptop.store, "C-1002") == laptop.further("C-1002"));
    CHECK(officer_config_path(laptop.store, "B-4417") == laptop.first());
    CHECK(known_officers(laptop.store) == std::vector<std::string>{"B-4417", "C-1002"});

    // Nobody remembered yet: config.yaml's officer, as before.
    CHECK(select_config(laptop.store, "").officer == "B-4417");
    remember_officer(laptop.store, "C-1002");
    CHECK(select_config(laptop.store, "").officer == "C-1002");
    CHECK(select_config(laptop.store, "B-4417").officer == "B-4417");
    remember_officer(laptop.store, "B-4417");
    CHECK(default_config_path(laptop.store) == laptop.first());

    // Their interrupted screenings are kept apart.
    CHECK(further_officer_of(laptop.further("C-1002")) == "C-1002");
    CHECK(draft_path(false, "C-1002").ends_with("/drafts/screen-C-1002.json"));
    CHECK(draft_path(false, "C-1002") != draft_path(false, ""));

    CHECK(key_error([&] { select_config(laptop.store, "D-7"); }) ==
          "no configuration for officer 'D-7' on this laptop (it has B-4417, C-1002); set it up "
          "with 'divert keygen --officer D-7 --agency CODE'");
  }

  TEST_CASE("a remembered officer without a configuration, or a damaged memory, falls back") {
    Laptop laptop;
    write(laptop.first(), officer_config("B-4417"));
    remember_officer(laptop.store, "GONE-1");
    CHECK(default_config_path(laptop.store) == laptop.first());
    write(laptop.store.state_dir + "/officer", "../../etc/passwd\n");
    CHECK(default_config_path(laptop.store) == laptop.first());
    // An officers/ file that names someone else is not that officer's configuration.
    write(laptop.further("C-1002"), officer_config("X-9"));
    CHECK(key_error([&] {
            select_config(laptop.store, "C-1002");
          }).starts_with("no configuration for officer 'C-1002'"));
  }

  TEST_CASE("without a state directory nothing is remembered and config.yaml is the default") {
    Laptop laptop;
    laptop.store.state_dir.clear();
    write(laptop.first(), officer_config("B-4417"));
    write(laptop.further("C-1002"), officer_config("C-1002"));
    remember_officer(laptop.store, "C-1002");
    CHECK(default_config_path(laptop.store) == laptop.first());
    CHECK(select_config(laptop.store, "C-1002").officer == "C-1002");
  }
}

TEST_SUITE("new passphrase") {
  TEST_CASE("at least 8 characters, counted as characters, not bytes") {
    CHECK(new_passphrase_problem(Passphrase("12345678")).empty());
    CHECK(new_passphrase_problem(Passphrase("abc")) ==
          "the passphrase has 3 characters; use at least 8 (or --no-passphrase to store the key "
          "unencrypted)");
    CHECK(new_passphrase_problem(Passphrase("")).starts_with("the passphrase has 0 characters"));
    // 7 characters in 14 bytes.
    CHECK_FALSE(new_passphrase_problem(
                    Passphrase("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"))
                    .empty());
  }

  TEST_CASE("asked again after a mismatch or a short one, then taken") {
    Typist typist{{"correct horse", "correct hrose", "abc", "correct horse", "correct horse"}};
    std::ostringstream out;
    const Passphrase p = ask_new_passphrase(std::ref(typist), out);
    CHECK(p.text() == "correct horse");
    CHECK(typist.prompts == std::vector<std::string>{"New passphrase for the key (not shown): ",
                                                     "The same passphrase again: ",
                                                     "New passphrase for the key (not shown): ",
                                                     "New passphrase for the key (not shown): ",
                                                     "The same passphrase again: "});
    CHECK(out.str() ==
          "divert: the passphrases do not match; try again (2 tries left)\n"
          "divert: the passphrase has 3 characters; use at least 8 (or --no-passphrase to store "
          "the key unencrypted); try again (1 try left)\n");
  }

  TEST_CASE("three failed tries: KeyError, nothing more asked") {
    Typist typist{{"correct horse", "x", "short", "correct horse", "y"}};
    std::ostringstream out;
    CHECK(key_error([&] { ask_new_passphrase(std::ref(typist), out); }) ==
          "the passphrases do not match, 3 times; nothing was written");
    CHECK(typist.next == typist.lines.size());
  }
}
