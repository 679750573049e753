#include "driver/ndis/race/suppressions.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <utility>

namespace nicsim::ndis::race {
namespace {

constexpr std::string_view kBlanks = " \t\r";

std::string_view trim(std::string_view text) {
  const size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

// The pattern between the anchors, split at each `*`: "^a*b$" -> {"a", "b"}.
std::vector<std::string_view> split_at_stars(std::string_view core) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  for (size_t star = core.find('*'); star != std::string_view::npos; star = core.find('*', begin)) {
    parts.push_back(core.substr(begin, star - begin));
    begin = star + 1;
  }
  parts.push_back(core.substr(begin));
  return parts;
}

}  // namespace

bool suppression_pattern_matches(std::string_view pattern, std::string_view text) {
  // TSan never matches an unknown (empty) function or file, not even with "*".
  if (text.empty()) return false;
  const bool anchored_start = pattern.starts_with('^');
  if (anchored_start) pattern.remove_prefix(1);
  const bool anchored_end = pattern.ends_with('$');
  if (anchored_end) pattern.remove_suffix(1);

  // Each part after the first may start anywhere after the previous one: the leftmost match
  // leaves the most room for the rest, so no backtracking is needed.
  const std::vector<std::string_view> parts = split_at_stars(pattern);
  size_t position = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    const bool first = i == 0;
    const bool last = i + 1 == parts.size();
    if (first && anchored_start) {
      if (!text.starts_with(part)) return false;
      position = part.size();
      if (last && anchored_end) return position == text.size();
      continue;
    }
    if (last && anchored_end) return text.size() - position >= part.size() && text.ends_with(part);
    const size_t found = text.find(part, position);
    if (found == std::string_view::npos) return false;
    position = found + part.size();
  }
  return true;
}

std::optional<Suppressions> Suppressions::parse(std::string_view text, std::string_view origin,
                                                std::string* error) {
  auto fail = [&](int line_number, const std::string& what) -> std::optional<Suppressions> {
    if (error) *error = std::string(origin) + ":" + std::to_string(line_number) + ": " + what;
    return std::nullopt;
  };
  static constexpr std::pair<std::string_view, Type> kTypes[] = {
      {"race", Type::kRace},
      {"race_top", Type::kRaceTop},
      {"thread", Type::kIgnored},
      {"mutex", Type::kIgnored},
      {"signal", Type::kIgnored},
      {"deadlock", Type::kIgnored},
      {"called_from_lib", Type::kIgnored}};

  Suppressions result;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.starts_with('#')) continue;

    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(line_number, "expected type:pattern, got '" + std::string(line) + "'");
    }
    const std::string_view type_name = line.substr(0, colon);
    const auto* type = std::find_if(std::begin(kTypes), std::end(kTypes),
                                    [&](const auto& known) { return known.first == type_name; });
    if (type == std::end(kTypes)) {
      return fail(line_number, "unknown suppression type '" + std::string(type_name) + "'");
    }
    const std::string_view pattern = trim(line.substr(colon + 1));
    // TSan would take an empty pattern as "suppress everything": almost surely a typo.
    if (pattern.empty()) return fail(line_number, "empty pattern (write '*' to match everything)");
    // TSan ignores whatever follows a '$'; refuse it rather than match something unintended.
    if (const size_t dollar = pattern.find('$');
        dollar != std::string_view::npos && dollar + 1 != pattern.size()) {
      return fail(line_number, "'$' anchors the end and must be the pattern's last character");
    }
    result.entries_.push_back({type->second, std::string(pattern)});
  }
  return result;
}

std::optional<Suppressions> Suppressions::load(const std::string& path, std::string* error) {
  auto fail = [&](int error_number) -> std::optional<Suppressions> {
    if (error) *error = path + ": cannot read suppressions: " + std::strerror(error_number);
    return std::nullopt;
  };
  // stdio rather than a stream: ferror and errno tell a failed read (a directory opens fine,
  // then reads fail with EISDIR) from an empty file.
  struct Close {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  const std::unique_ptr<std::FILE, Close> file(std::fopen(path.c_str(), "rb"));
  if (!file) return fail(errno);
  std::string text;
  char buffer[4096];
  while (const size_t got = std::fread(buffer, 1, sizeof buffer, file.get())) {
    text.append(buffer, got);
  }
  if (std::ferror(file.get())) return fail(errno);
  return parse(text, path, error);
}

const std::string* Suppressions::match_frame(Type type, const SourceLocation& frame) const {
  for (const Entry& entry : entries_) {
    if (entry.type != type) continue;
    if (suppression_pattern_matches(entry.pattern, frame.function) ||
        suppression_pattern_matches(entry.pattern, frame.file)) {
      return &entry.pattern;
    }
  }
  return nullptr;
}

// TSan's order: `race` over every frame from the innermost out, then `race_top` on the innermost.
const std::string* Suppressions::match_race(const std::vector<SourceLocation>& frames) const {
  for (const SourceLocation& frame : frames) {
    if (const std::string* pattern = match_frame(Type::kRace, frame)) return pattern;
  }
  if (frames.empty()) return nullptr;
  return match_frame(Type::kRaceTop, frames.front());
}

}  // namespace nicsim::ndis::race
