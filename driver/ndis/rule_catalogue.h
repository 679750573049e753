// The rule IDs that RULES.md catalogues, read from its text carried in the library, so a run
// declares one coverage bin per rule with no second list to keep in step.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/functional_coverage.h"

namespace nicsim::ndis {

// The IDs of the table rows of rules_md (`| ID[, ID...] | E or W | condition |`), each once, in
// the order they first appear.
std::vector<std::string> parse_rule_ids(std::string_view rules_md);
// The IDs of driver/ndis/RULES.md.
const std::vector<std::string>& catalogued_rules();
// Declares "rule/<ID> evaluated" for every catalogued rule.
void declare_rule_bins(sim::FunctionalCoverage& coverage);

}  // namespace nicsim::ndis
