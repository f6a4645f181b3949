// SPDX-License-Identifier: Apache-2.0
// The input-output floor of `divert batch`: what any batch that reads this corpus file and writes
// these decision lines must do, with no parsing, validation, evaluation or formatting at all.
// It reads the corpus file with batch's own block reader (cli/line_reader.hpp: the same block
// sizes, padding and line splitting) and, for each case, appends the bytes of divert's own
// decision line for that case to the block's output, written to /dev/null after each block, as
// batch's output goes in bench/run.sh. The
// decision lines' lengths come from a batch output file read before the clock starts; their
// bytes are copied from one buffer that stays in the cache, as batch copies remembered
// decisions, so this is a lower bound: the real lines' bytes would have to come from somewhere
// colder.
//   io_floor CORPUS DECISIONS [ROUNDS]   prints: floor CASES SECONDS CASES_PER_S (best of ROUNDS)
// bench/peers/run.sh runs it beside the parse-only reading limit (bench/parse_limit.cpp): the
// time left between the two is what batch has to read, check and decide the cases in if it is
// to keep up with the limit.
#include "cli/line_reader.hpp"
#include "core/decision/answers_json.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
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

} // namespace

int main(int argc, char** argv) {
  using divert::JsonCaseReader;
  using divert::cli::BlockReader;
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
  const std::string source(*std::max_element(lengths.begin(), lengths.end()), 'x');
  std::string output;

  double best = 0;
  size_t cases = 0;
  for (int round = 0; round < rounds; ++round) {
    std::ifstream in(argv[1], std::ios::binary);
    std::ofstream out("/dev/null", std::ios::binary);
    if (!in || !out) {
      std::perror("io_floor");
      return 66;
    }
    const auto start = std::chrono::steady_clock::now();
    cases = 0;
    BlockReader reader(in, JsonCaseReader::padding(), JsonCaseReader::k_max_line,
                       divert::cli::k_batch_block_bytes, divert::cli::k_batch_block_lines);
    BlockReader::Block block;
    while (reader.fill(block)) {
      output.clear();
      BlockReader::for_each_case(block, JsonCaseReader::k_max_line, [&](std::string_view, size_t) {
        output.append(source.data(), lengths[cases % lengths.size()]);
        ++cases;
      });
      out.write(output.data(), static_cast<std::streamsize>(output.size()));
    }
    if (!out) return 74;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (best == 0 || seconds < best) best = seconds;
  }
  if (cases != lengths.size()) {
    std::fprintf(stderr, "io_floor: %zu cases but %zu decision lines\n", cases, lengths.size());
    return 65;
  }
  std::printf("floor %zu %.3f %.0f\n", cases, best, static_cast<double>(cases) / best);
  return 0;
}
