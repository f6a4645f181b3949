// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/files.hpp"
#include "cli/policy_trust.hpp"
#include "cli/line_reader.hpp"
#include "cli/render.hpp"

#include "core/decision/answers_json.hpp"
#include "core/decision/decision_json.hpp"
#include "core/decision/evaluate.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <sched.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <istream>
#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

using namespace std::string_view_literals;

struct BatchOptions {
  std::string policy;
  std::string cases = "-";
  unsigned jobs = 0; // 0: the cores this process may run on
};

struct BatchTotals {
  std::array<size_t, 4> outcomes{}; // by Outcome
  size_t errors = 0;

  void add(const BatchTotals& other) {
    for (size_t i = 0; i < outcomes.size(); ++i) {
      outcomes[i] += other.outcomes[i];
    }
    errors += other.errors;
  }
};

// Decides one case line after another into decision lines. Each thread has its own: the
// reader, evaluator and answers are reused from line to line, the policy is only read.
class BatchDecider {
public:
  BatchDecider(const Policy& policy, std::optional<Days> day)
      : m_policy(policy), m_day(day), m_reader(policy), m_evaluator(policy), m_writer(policy),
        m_answers(policy) {}

  // `line` must stay readable for JsonCaseReader::padding() bytes past its end.
  void decide(std::string_view line, size_t line_number, std::string& out, BatchTotals& totals) {
    std::string problem = m_reader.read(line, m_answers, m_case_id);
    std::string_view code = m_reader.problem_code();
    std::string_view question = m_reader.problem_question();
    if (problem.empty()) {
      if (const int q = past_date_question(m_policy, m_answers); q >= 0) {
        problem = past_date_problem(m_policy, m_answers);
        code = "date-after-incident";
        question = m_policy.questions[static_cast<size_t>(q)].id;
      }
    }
    // string_view literals: appended by length, no strlen per line.
    out += "{\"line\":"sv;
    std::array<char, 24> digits{};
    out.append(digits.data(),
               std::to_chars(digits.data(), digits.data() + digits.size(), line_number).ptr);
    out += ",\"case_id\":"sv;
    out += m_case_id;
    if (!problem.empty()) {
      ++totals.errors;
      // The members every error object has (cli.md), bar file, line and column: the line is
      // the batch line's own "line".
      out += ",\"error\":{\"code\":";
      append_json_string(out, code);
      out += ",\"message\":";
      append_json_string(out, problem);
      out += ",\"question\":";
      if (question.empty()) {
        out += "null";
      } else {
        append_json_string(out, question);
      }
      out += "}}\n";
      return;
    }
    m_evaluator.run(m_answers, m_day, m_decision);
    ++totals.outcomes[static_cast<size_t>(m_decision.outcome)];
    out += ',';
    m_writer.append_members(out, m_decision);
    out += "}\n"sv;
  }

private:
  const Policy& m_policy;
  std::optional<Days> m_day;
  JsonCaseReader m_reader;
  Evaluator m_evaluator;
  RememberingDecisionWriter m_writer;
  Answers m_answers;
  Decision m_decision;
  std::string m_case_id;
};

// Decisions that did not reach standard output (a full disk, a device error) outrank bad input
// lines: 74, and no summary that would count them as decided.
[[noreturn]] void throw_output_lost() { throw IoError(k_output_lost); }

void show_progress(Io& io, size_t line_number, ProgressThrottle& throttle) {
  if (io.stderr_is_tty && throttle.due()) {
    io.err << fmt::format("\rdivert batch: {} lines...", line_number) << std::flush;
  }
}

// A block of input lines on its way through a worker, with the decision lines it made.
struct BatchSlot {
  BlockReader::Block block;
  size_t sequence = 0; // its place in the input, counted in blocks
  std::string out;
  BatchTotals totals;
};

// `jobs` threads (this one too; with one job, no other), each doing everything in turn so that no
// thread waits on another while there is work: take a free slot, read a block into it (one
// thread at a time: reading only counts newlines), decide its lines, and hand it in; whoever
// hands in the oldest unwritten block writes every finished block in input order. 2 x jobs
// slots are reused from block to block, so memory stays bounded whatever the input size.
BatchTotals decide_in_blocks(const Policy& policy, std::optional<Days> day, std::istream& in,
                             Io& io, unsigned jobs) {
  const size_t slot_count = 2 * static_cast<size_t>(jobs);
  std::vector<std::unique_ptr<BatchSlot>> slots;
  std::vector<BatchSlot*> free_slots;
  for (size_t i = 0; i < slot_count; ++i) {
    free_slots.push_back(slots.emplace_back(std::make_unique<BatchSlot>()).get());
  }
  BlockReader reader(in, JsonCaseReader::padding(), JsonCaseReader::k_max_line, k_batch_block_bytes,
                     k_batch_block_lines);
  std::mutex reading;
  size_t next_sequence = 0;
  bool input_done = false;

  std::mutex mutex; // guards what follows
  std::condition_variable slot_freed;
  std::vector<BatchSlot*> finished(slot_count); // by sequence modulo slot_count
  size_t next_to_write = 0;
  bool writing = false;
  ProgressThrottle progress; // the writer's, one at a time
  std::exception_ptr failure;
  BatchTotals totals;

  auto work = [&] {
    try {
      BatchDecider decider(policy, day);
      for (;;) {
        BatchSlot* slot = nullptr;
        {
          std::unique_lock lock(mutex);
          slot_freed.wait(lock, [&] { return failure || !free_slots.empty(); });
          if (failure) {
            return;
          }
          slot = free_slots.back();
          free_slots.pop_back();
        }
        bool more = false;
        {
          const std::lock_guard lock(reading);
          more = !input_done && reader.fill(slot->block);
          input_done = !more;
          slot->sequence = next_sequence;
          next_sequence += more ? 1 : 0;
        }
        if (!more) {
          const std::lock_guard lock(mutex);
          free_slots.push_back(slot);
          slot_freed.notify_one();
          return;
        }
        slot->out.clear();
        slot->totals = {};
        BlockReader::for_each_case(slot->block, JsonCaseReader::k_max_line,
                                   [&](std::string_view line, size_t line_number) {
                                     decider.decide(line, line_number, slot->out, slot->totals);
                                   });
        std::unique_lock lock(mutex);
        finished[slot->sequence % slot_count] = slot;
        if (writing || failure) {
          continue;
        }
        writing = true;
        while (BatchSlot* oldest = finished[next_to_write % slot_count]) {
          finished[next_to_write % slot_count] = nullptr;
          lock.unlock();
          io.out.write(oldest->out.data(), static_cast<std::streamsize>(oldest->out.size()));
          if (!io.out) {
            throw_output_lost(); // deciding on would only lose more
          }
          show_progress(io, oldest->block.first_line + oldest->block.lines - 1, progress);
          lock.lock();
          totals.add(oldest->totals);
          ++next_to_write;
          free_slots.push_back(oldest);
          slot_freed.notify_one();
        }
        writing = false;
      }
    } catch (...) {
      const std::lock_guard lock(mutex);
      if (!failure) {
        failure = std::current_exception();
      }
      slot_freed.notify_all();
    }
  };
  std::vector<std::thread> helpers;
  try {
    for (unsigned i = 1; i < jobs; ++i) {
      helpers.emplace_back(work);
    }
  } catch (...) {
    const std::lock_guard lock(mutex);
    failure = std::current_exception();
    slot_freed.notify_all();
  }
  work();
  for (std::thread& helper : helpers) {
    helper.join();
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  return totals;
}

// The cores this process may run on (taskset and cgroups' cpusets count).
unsigned available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

int run_batch(const BatchOptions& opts, Io& io) {
  const Policy policy = load_policy_arg(opts.policy, false, laptop_policy_trust());
  note_policy_status(io.err, policy);
  std::unique_ptr<std::istream> file;
  std::istream* in = &open_input(opts.cases, io.in, file);
  if (opts.cases == "-" && io.stdin_is_tty) {
    // Someone typed `divert batch` at a prompt: say why nothing happens, instead of waiting
    // in silence (pasted lines still work).
    io.err << wrap_hanging("reading cases from the terminal, one JSON object a line; Ctrl-D "
                           "ends them (or give a file: divert batch --policy P CASES.jsonl)",
                           "divert batch: ", "  ")
           << std::flush;
  }
  const std::optional<Days> day = today();
  const unsigned jobs = opts.jobs == 0 ? available_cores() : opts.jobs;

  const BatchTotals totals = decide_in_blocks(policy, day, *in, io, jobs);
  io.out.flush();
  if (!io.out) {
    throw_output_lost();
  }
  if (in->bad()) {
    throw IoError(fmt::format("{}: read error", input_name(opts.cases)));
  }
  if (io.stderr_is_tty) {
    io.err << "\r\x1b[K";
  }
  const auto& n = totals.outcomes;
  const size_t total = n[0] + n[1] + n[2] + n[3] + totals.errors;
  io.err << fmt::format("divert batch: {} cases: {} eligible, {} ineligible, {} needs_approval, "
                        "{} incomplete, {} errors\n",
                        total, n[0], n[1], n[2], n[3], totals.errors);
  return totals.errors > 0 ? exit_data : exit_ok;
}

} // namespace

void register_batch(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<BatchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "batch", "Decide many cases: JSON Lines in (one case per line), one JSON decision per line "
               "out, in order.\nA bad line yields an error object and the run goes on (exit 65).");
  add_policy_option(*cmd, opts->policy);
  cmd->add_option("cases", opts->cases, "Cases file (JSON Lines), or - for stdin (default)");
  cmd->add_option("--jobs,-j", opts->jobs,
                  "Decide on N threads (default: every core this process may use); the output "
                  "order is the input order whatever N")
      ->check(number_from(1, 256, true));
  cmd->callback([opts, &state] { state.action = [opts](Io& io) { return run_batch(*opts, io); }; });
}

} // namespace divert::cli
