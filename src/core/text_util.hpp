// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace divert {

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// ", did you mean 'x'?" when a known word is close to `word` (edit distance), else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

std::size_t edit_distance(std::string_view a, std::string_view b);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

} // namespace divert
