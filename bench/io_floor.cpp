// SPDX-License-Identifier: Apache-2.0
// The input-output floor of `divert batch`: what any batch that reads this corpus file and writes
// these decision lines must do, with no parsing, validation, evaluation or formatting at all.
// It reads the corpus file as batch does (read(2) into 64 KiB blocks, lines found by their
// newline) and, for each case, appends the bytes of divert's own decision line for that case
// to 64 KiB output blocks written to /dev/null, as batch's output goes in bench/run.sh. The
// decision lines' lengths come from a batch output file read before the clock starts; their
// bytes are copied from one buffer that stays in the cache, as batch copies remembered
// decisions, so this is a lower bound: the real lines' bytes would have to come from somewhere
// colder.
//   io_floor CORPUS DECISIONS [ROUNDS]   prints: floor CASES SECONDS CASES_PER_S (best of ROUNDS)
// bench/peers/run.sh runs it beside the parse-only reading limit (bench/parse_limit.cpp): the
// time left between the two is what batch has to read, check and decide the cases in if it is
// to keep up with the limit.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Decision line lengths, newline included, in input order.
std::vector<size_t> line_lengths(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<size_t> lengths;
  std::string line;
  while (std::getline(in, line)) lengths.push_back(line.size() + 1);
  return lengths;
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: io_floor CORPUS DECISIONS [ROUNDS]\n");
    return 64;
  }
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const std::vector<size_t> lengths = line_lengths(argv[2]);
  if (lengths.empty()) {
    std::fprintf(stderr, "io_floor: %s has no decision lines\n", argv[2]);
    return 65;
  }
  const size_t longest = *std::max_element(lengths.begin(), lengths.end());
  const std::string source(longest, 'x');
  constexpr size_t k_block = size_t{1} << 16;
  std::vector<char> input(k_block);
  std::string output;
  output.reserve(k_block + longest);

  double best = 0;
  size_t cases = 0;
  for (int round = 0; round < rounds; ++round) {
    const int in = open(argv[1], O_RDONLY);
    const int out = open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0) {
      std::perror("io_floor");
      return 66;
    }
    const auto start = std::chrono::steady_clock::now();
    cases = 0;
    ssize_t n = 0;
    while ((n = read(in, input.data(), input.size())) > 0) {
      const char* p = input.data();
      const char* const end = p + n;
      while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p))))) {
        ++p;
        output.append(source.data(), lengths[cases % lengths.size()]);
        ++cases;
      }
      if (output.size() >= k_block) {
        if (!write_all(out, output.data(), output.size())) return 74;
        output.clear();
      }
    }
    if (!write_all(out, output.data(), output.size())) return 74;
    output.clear();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    close(in);
    close(out);
    if (best == 0 || seconds < best) best = seconds;
  }
  if (cases != lengths.size()) {
    std::fprintf(stderr, "io_floor: %zu cases but %zu decision lines\n", cases, lengths.size());
    return 65;
  }
  std::printf("floor %zu %.3f %.0f\n", cases, best, static_cast<double>(cases) / best);
  return 0;
}
