// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/files.hpp"
#include "cli/render.hpp"

#include "core/answers_json.hpp"
#include "core/decision_json.hpp"
#include "core/evaluate.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <istream>
#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

struct BatchOptions {
  std::string policy;
  std::string cases = "-";
};

// Feeds complete lines from a stream in large blocks; each line stays readable for the JSON
// parser's padding past its end.
class LineSource {
public:
  LineSource(std::istream& in, size_t padding) : m_in(in), m_padding(padding) {
    m_buffer.resize(k_block + m_padding);
  }

  bool next(std::string_view& line) {
    for (;;) {
      const size_t newline = find_newline();
      if (newline != std::string::npos) {
        line = std::string_view(m_buffer.data() + m_begin, newline - m_begin);
        m_begin = newline + 1;
        return true;
      }
      if (m_eof) {
        if (m_begin < m_end) {
          line = std::string_view(m_buffer.data() + m_begin, m_end - m_begin);
          m_begin = m_end;
          return true;
        }
        return false;
      }
      refill();
    }
  }

private:
  static constexpr size_t k_block = 1u << 20;

  size_t find_newline() {
    const void* hit = std::memchr(m_buffer.data() + m_scan, '\n', m_end - m_scan);
    if (hit == nullptr) {
      m_scan = m_end;
      return std::string::npos;
    }
    const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - m_buffer.data());
    m_scan = at + 1;
    return at;
  }

  void refill() {
    // Keep the unfinished line, grow only when one line outgrows the buffer.
    const size_t kept = m_end - m_begin;
    std::memmove(m_buffer.data(), m_buffer.data() + m_begin, kept);
    m_scan -= m_begin;
    m_begin = 0;
    m_end = kept;
    if (m_buffer.size() - m_padding - m_end < k_block / 2) {
      m_buffer.resize(m_buffer.size() * 2);
    }
    m_in.read(m_buffer.data() + m_end, static_cast<std::streamsize>(m_buffer.size() - m_padding - m_end));
    const auto got = static_cast<size_t>(m_in.gcount());
    m_end += got;
    std::memset(m_buffer.data() + m_end, ' ', m_padding);
    if (got == 0 || !m_in) {
      m_eof = true;
    }
  }

  std::istream& m_in;
  size_t m_padding;
  std::vector<char> m_buffer;
  size_t m_begin = 0;
  size_t m_end = 0;
  size_t m_scan = 0;
  bool m_eof = false;
};

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

int run_batch(const BatchOptions& opts, Io& io) {
  const Policy policy = load_policy_arg(opts.policy, false);
  if (const std::string warning = status_warning(policy); !warning.empty()) {
    io.err << "divert: note: " << warning << '\n';
  }
  std::unique_ptr<std::istream> file;
  std::istream* in = &io.in;
  if (opts.cases != "-") {
    auto f = std::make_unique<std::ifstream>(opts.cases, std::ios::binary);
    if (!*f) {
      throw MissingInputError(fmt::format("{}: cannot read: {}", opts.cases, std::strerror(errno)));
    }
    file = std::move(f);
    in = file.get();
  }

  JsonCaseReader reader(policy);
  Evaluator evaluator(policy);
  const DecisionWriter writer(policy);
  Answers answers(policy);
  Decision decision;
  LineSource lines(*in, JsonCaseReader::padding());
  const std::optional<Days> day = today();

  std::string out;
  out.reserve(1u << 20);
  std::string case_id;
  std::array<size_t, 4> counts{};
  size_t errors = 0;
  size_t line_number = 0;
  std::string_view line;
  while (lines.next(line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (is_blank(line)) {
      continue;
    }
    std::string problem = reader.read(line, answers, case_id);
    if (problem.empty()) {
      problem = past_date_problem(policy, answers);
    }
    out += "{\"line\":";
    out += std::to_string(line_number);
    out += ",\"case_id\":";
    out += case_id;
    if (!problem.empty()) {
      ++errors;
      out += ",\"error\":{\"message\":";
      append_json_string(out, problem);
      out += "}}\n";
    } else {
      evaluator.run(answers, day, decision);
      ++counts[static_cast<size_t>(decision.outcome)];
      out += ',';
      writer.append_members(out, decision);
      out += "}\n";
    }
    if (out.size() > (1u << 20) - 4096) {
      io.out.write(out.data(), static_cast<std::streamsize>(out.size()));
      out.clear();
      if (io.stderr_is_tty && line_number % 16 == 0) {
        io.err << fmt::format("\rdivert batch: {} lines...", line_number) << std::flush;
      }
    }
  }
  io.out.write(out.data(), static_cast<std::streamsize>(out.size()));
  io.out.flush();
  if (in->bad()) {
    throw IoError(fmt::format("{}: read error", opts.cases));
  }
  if (io.stderr_is_tty) {
    io.err << "\r\x1b[K";
  }
  const size_t total = counts[0] + counts[1] + counts[2] + counts[3] + errors;
  io.err << fmt::format("divert batch: {} cases: {} eligible, {} ineligible, {} needs_approval, "
                        "{} incomplete, {} errors\n",
                        total, counts[0], counts[1], counts[2], counts[3], errors);
  return errors > 0 ? exit_data : exit_ok;
}

} // namespace

void register_batch(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<BatchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "batch", "Decide many cases: JSON Lines in (one case per line), one JSON decision per line "
               "out, in order.\nA bad line yields an error object and the run goes on (exit 65).");
  cmd->add_option("--policy,-p", opts->policy, "Policy id (e.g. wa-whatcom) or path to a .yaml")
      ->required();
  cmd->add_option("cases", opts->cases, "Cases file (JSON Lines), or - for stdin (default)");
  cmd->callback([opts, &state] {
    state.action = [opts](Io& io) { return run_batch(*opts, io); };
  });
}

} // namespace divert::cli
