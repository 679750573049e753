// Race suppressions in ThreadSanitizer's file format, so a file written for TSan works here:
// one `type:pattern` per line, `#` comments and blank lines skipped. A pattern matches a frame's
// function or file as a substring; `*` matches any run of characters, `^` anchors the start and
// `$` the end. `race` patterns are tried on every frame, `race_top` only on the innermost one.
// The other TSan types (thread, mutex, signal, deadlock, called_from_lib) are accepted and
// ignored: nicsim reports no such thing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "driver/ndis/race/symbolizer.h"

namespace nicsim::ndis::race {

class Suppressions {
 public:
  // On a malformed line: std::nullopt, and *error (when given) reads "<origin>:<line>: <what>".
  static std::optional<Suppressions> parse(std::string_view text, std::string_view origin,
                                           std::string* error);
  // An unreadable file: std::nullopt, and *error names the path.
  static std::optional<Suppressions> load(const std::string& path, std::string* error);

  // The pattern that suppresses a race on one access, or nullptr. frames: that access's stack,
  // innermost first; a race is suppressed when either of its two accesses matches.
  const std::string* match_race(const std::vector<SourceLocation>& frames) const;

  // Entries of every type, ignored ones included.
  size_t size() const { return entries_.size(); }

 private:
  enum class Type { kRace, kRaceTop, kIgnored };
  struct Entry {
    Type type;
    std::string pattern;
  };
  const std::string* match_frame(Type type, const SourceLocation& frame) const;

  std::vector<Entry> entries_;
};

// TSan's template match: true when `text` (non-empty) matches `pattern` as described above.
bool suppression_pattern_matches(std::string_view pattern, std::string_view text);

}  // namespace nicsim::ndis::race
