#include "driver/ndis/rule_catalogue.h"

#include <algorithm>

namespace nicsim::ndis {

extern const char kRulesMarkdown[];  // driver/ndis/RULES.md, embedded at build time

namespace {

std::string_view trim(std::string_view text) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// The cells of a table row "| a | b | c |".
std::vector<std::string_view> cells(std::string_view row) {
  std::vector<std::string_view> out;
  row.remove_prefix(1);
  for (size_t bar; (bar = row.find('|')) != std::string_view::npos; row.remove_prefix(bar + 1))
    out.push_back(trim(row.substr(0, bar)));
  return out;
}

}  // namespace

std::vector<std::string> parse_rule_ids(std::string_view rules_md) {
  std::vector<std::string> ids;
  while (!rules_md.empty()) {
    const size_t end = std::min(rules_md.find('\n'), rules_md.size());
    const std::string_view line = rules_md.substr(0, end);
    rules_md.remove_prefix(std::min(end + 1, rules_md.size()));
    if (!line.starts_with("| ")) continue;
    const std::vector<std::string_view> row = cells(line);
    if (row.size() < 3 || (row[1] != "E" && row[1] != "W")) continue;  // a header or a rule line
    std::string_view names = row[0];
    while (!names.empty()) {
      const size_t comma = std::min(names.find(','), names.size());
      std::string id(trim(names.substr(0, comma)));
      names.remove_prefix(std::min(comma + 1, names.size()));
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
    }
  }
  return ids;
}

const std::vector<std::string>& catalogued_rules() {
  static const std::vector<std::string> ids = parse_rule_ids(kRulesMarkdown);
  return ids;
}

void declare_rule_bins(sim::FunctionalCoverage& coverage) {
  for (const std::string& id : catalogued_rules()) coverage.declare(sim::rule_bin(id));
}

}  // namespace nicsim::ndis
