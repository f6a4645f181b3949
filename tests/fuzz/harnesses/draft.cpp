// SPDX-License-Identifier: Apache-2.0
// A screening draft (the file `divert screen --resume` reads from the state directory), loaded
// and restored into every shipped policy's answers as a resumed screening does.
#include "harness.hpp"

#include "cli/draft.hpp"
#include "core/decision/answers.hpp"
#include "core/decision/evaluate.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace divert;
  // A private drafts directory (0700) holding a private draft (0600), as screen keeps them.
  struct DraftsDir {
    std::string dir = std::filesystem::temp_directory_path().string() + "/divert-fuzz-draft.XXXXXX";
    DraftsDir() {
      if (::mkdtemp(dir.data()) == nullptr) std::abort();
    }
    ~DraftsDir() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const DraftsDir drafts;
  const std::string path = drafts.dir + "/screen.json";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ::write(fd, data, size) != static_cast<ssize_t>(size) || ::close(fd) != 0) {
    std::abort();
  }
  fuzz::expect_errors([&] {
    bool expired = false;
    const std::optional<cli::Draft> draft = cli::load_draft(path, fuzz::k_now, expired);
    if (!draft) return;
    for (const Policy& policy : fuzz::shipped_policies()) {
      fuzz::expect_errors([&] {
        Answers answers(policy);
        std::vector<int> history;
        cli::restore_draft(*draft, policy, answers, history);
        (void)evaluate(policy, answers, static_cast<Days>(fuzz::k_now / 86400));
      });
    }
  });
  return 0;
}
