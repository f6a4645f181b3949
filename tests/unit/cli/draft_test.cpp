// SPDX-License-Identifier: Apache-2.0
// Screening drafts hold personal data: resumed only from the user's own private folder and
// file, and never after they expire.
#include "cli/draft.hpp"

#include "core/base/error.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace divert;
using namespace divert::cli;
using divert::testing::TempDir;

namespace {

constexpr long long k_now = 1790000000; // 2026-09-21

const Policy& whatcom() {
  static const Policy policy = testing::load_shipped("wa-whatcom");
  return policy;
}

void save(const std::string& path, long long started_at, long long now) {
  const Answers answers = testing::answers_from(whatcom(), "in_area: true\n");
  save_draft(path, whatcom(), "wa-whatcom", answers, {whatcom().question_index("in_area")},
             started_at, now);
}

// A draft file written by someone else: what a planted draft looks like.
void plant(const fs::path& path, long long saved_at, fs::perms mode) {
  std::ofstream(path) << R"({"schema": "divert.draft/1", "policy": "wa-whatcom", "saved_at": )"
                      << saved_at << R"(, "answers": {"in_area": true}, "typed": ["in_area"]})";
  fs::permissions(path, mode);
}

constexpr fs::perms k_0600 = fs::perms::owner_read | fs::perms::owner_write;
constexpr fs::perms k_0644 = k_0600 | fs::perms::group_read | fs::perms::others_read;

template <class F> std::string key_error(F&& f) {
  try {
    f();
  } catch (const KeyError& e) {
    return e.what();
  }
  return "(no KeyError)";
}

} // namespace

TEST_CASE("draft: saved and resumed from a private folder") {
  TempDir home;
  const std::string path = (home.path / "drafts/screen.json").string();
  save(path, k_now - 60, k_now);
  CHECK((fs::status(home.path / "drafts").permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK((fs::status(path).permissions() & fs::perms::all) == k_0600);
  bool expired = true;
  const auto draft = load_draft(path, k_now + 10, expired);
  REQUIRE(draft);
  CHECK_FALSE(expired);
  CHECK(draft->started_at == k_now - 60);
  CHECK(draft->typed == std::vector<std::string>{"in_area"});
}

TEST_CASE("draft: a planted draft in a drafts folder symlinked into a 1777 folder is refused") {
  TempDir home;
  const fs::path world = home.path / "tmp";
  fs::create_directory(world);
  fs::permissions(world, fs::perms::all | fs::perms::sticky_bit);
  fs::create_directory_symlink(world, home.path / "drafts");
  plant(world / "screen.json", k_now, k_0644);
  bool expired = false;
  const std::string path = (home.path / "drafts/screen.json").string();
  const std::string message = key_error([&] { load_draft(path, k_now, expired); });
  CHECK(message.find("permissions 1777 on the drafts directory") != std::string::npos);
  // Nor is a new draft written there for others to read.
  CHECK(key_error([&] { save(path, k_now, k_now); }).find("drafts directory") != std::string::npos);
}

TEST_CASE("draft: a draft file others can read, a symlink or a FIFO is refused") {
  TempDir home;
  const fs::path dir = home.path / "drafts";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_all);
  const std::string path = (dir / "screen.json").string();
  bool expired = false;

  plant(path, k_now, k_0644);
  CHECK(key_error([&] {
          load_draft(path, k_now, expired);
        }).find("permissions 0644 on the draft") != std::string::npos);

  fs::remove(path);
  plant(dir / "elsewhere.json", k_now, k_0600);
  fs::create_symlink(dir / "elsewhere.json", path);
  CHECK(key_error([&] { load_draft(path, k_now, expired); }).find("symbolic link") !=
        std::string::npos);

  fs::remove(path);
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  CHECK(key_error([&] { load_draft(path, k_now, expired); }).find("is a FIFO") !=
        std::string::npos);
  CHECK(draft_exists(path));
  remove_draft(path);
  CHECK_FALSE(draft_exists(path));

  if (::geteuid() == 0) {
    plant(path, k_now, k_0600);
    REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
    CHECK(key_error([&] { load_draft(path, k_now, expired); }).find("is owned by user id 65534") !=
          std::string::npos);
  }
}

TEST_CASE("draft: expiry is checked whenever a draft is read, from when the screening began") {
  TempDir home;
  const std::string path = (home.path / "drafts/screen.json").string();
  const long long day = k_draft_lifetime_seconds;
  bool expired = false;

  // Saved again and again, a screening still expires a day after it began.
  save(path, k_now, k_now + day - 60);
  CHECK(load_draft(path, k_now + day - 30, expired));
  CHECK_FALSE(load_draft(path, k_now + day + 1, expired));
  CHECK(expired);
  CHECK_FALSE(draft_exists(path)); // removed

  // A draft whose file is older than the times written inside it is as old as its file.
  save(path, k_now, k_now);
  const struct timeval old[2] = {{k_now - 2 * day, 0}, {k_now - 2 * day, 0}};
  REQUIRE(::utimes(path.c_str(), old) == 0);
  CHECK_FALSE(load_draft(path, k_now + 60, expired));
  CHECK(expired);

  // A time in the future does not keep a draft alive.
  save(path, k_now + day, k_now + day);
  CHECK_FALSE(load_draft(path, k_now, expired));
  CHECK(expired);
}

TEST_CASE("draft: a field of another type or an impossible time is 'not a draft', named") {
  TempDir home;
  const fs::path dir = home.path / "drafts";
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all);
  const std::string path = (dir / "screen.json").string();
  const auto refusal = [&](const std::string& fields) {
    std::ofstream(path) << R"({"schema": "divert.draft/1", "answers": {}, )" << fields << "}";
    fs::permissions(path, k_0600);
    bool expired = false;
    try {
      load_draft(path, k_now, expired);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no InputError)");
  };
  CHECK(refusal(R"("saved_at": "x")") ==
        path + ": error: not a divert screening draft: 'saved_at' is not as screen writes it");
  CHECK(refusal(R"("saved_at": -9223372036854775808)").find("'saved_at'") != std::string::npos);
  CHECK(refusal(R"("saved_at": 1, "started_at": 18446744073709551615)").find("'started_at'") !=
        std::string::npos);
  CHECK(refusal(R"("saved_at": 1.5)").find("'saved_at'") != std::string::npos);
  CHECK(refusal(R"("saved_at": 1, "policy": ["x"])").find("'policy'") != std::string::npos);
}
