// SPDX-License-Identifier: Apache-2.0
// The reading limit for `divert batch`: simdjson's on-demand API (the same library, kernel and
// build flags as divert) visiting every field of every line of a JSON Lines file that is already
// in memory, asking each value its type and reading it as that type (strings unescaped, numbers
// parsed), with no policy, validation, evaluation or output. What batch does on top of this is
// the cost of deciding; if batch is faster, it reads less generically than this visitor.
//   parse_limit CORPUS [ROUNDS]   prints: limit CASES SECONDS CASES_PER_S (best of ROUNDS)
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace simdjson;

// Returns a checksum so that the compiler cannot drop the reads.
size_t visit(ondemand::value value);

size_t visit_object(ondemand::object object) {
  size_t sum = 0;
  for (auto field : object) {
    std::string_view key = field.unescaped_key();
    sum += key.size() + visit(field.value());
  }
  return sum;
}

size_t visit(ondemand::value value) {
  switch (value.type()) {
  case ondemand::json_type::object: return visit_object(value.get_object());
  case ondemand::json_type::array: {
    size_t sum = 0;
    for (auto element : value.get_array()) {
      sum += visit(element.value());
    }
    return sum;
  }
  case ondemand::json_type::string: return std::string_view(value.get_string()).size();
  case ondemand::json_type::number: return static_cast<size_t>(double(value.get_double()));
  case ondemand::json_type::boolean: return bool(value.get_bool()) ? 1 : 0;
  case ondemand::json_type::null: return value.is_null() ? 1 : 0;
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parse_limit CORPUS [ROUNDS]\n");
    return 64;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  std::ifstream file(argv[1], std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  std::string corpus = text.str();
  corpus.append(SIMDJSON_PADDING, ' ');
  std::vector<std::string_view> lines;
  size_t begin = 0;
  const size_t end = corpus.size() - SIMDJSON_PADDING;
  for (size_t i = 0; i < end; ++i) {
    if (corpus[i] == '\n') {
      if (i > begin) lines.emplace_back(corpus.data() + begin, i - begin);
      begin = i + 1;
    }
  }
  if (end > begin) lines.emplace_back(corpus.data() + begin, end - begin);

  ondemand::parser parser;
  double best = 0;
  size_t checksum = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    try {
      for (std::string_view line : lines) {
        // Every line is followed by at least SIMDJSON_PADDING readable bytes of the corpus.
        auto doc = parser.iterate(line.data(), line.size(), line.size() + SIMDJSON_PADDING);
        checksum += visit_object(doc.get_object());
      }
    } catch (const simdjson_error& e) {
      std::fprintf(stderr, "parse_limit: %s\n", e.what());
      return 65;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (best == 0 || seconds < best) best = seconds;
  }
  // The kernel choice is divert's: stage 1 and string unescaping go through the runtime-
  // dispatched implementation; the on-demand walk is header code compiled for the baseline
  // target, in simdjson's builtin namespace (scalar either way: a -mavx2 build of it runs the
  // same instructions).
  std::printf("limit %zu %.3f %.0f (checksum %zu, simdjson %s kernel for stage 1 and strings, "
              "%s namespace for the on-demand walk)\n",
              lines.size(), best, static_cast<double>(lines.size()) / best, checksum,
              simdjson::get_active_implementation()->name().data(),
              simdjson::builtin_implementation()->name().data());
  return 0;
}
