// The race report's helpers on their own: the symbolizer reading this test's own debug info (the
// functions and types below are its fixtures), and ThreadSanitizer-format suppressions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "driver/ndis/race/suppressions.h"
#include "driver/ndis/race/symbolizer.h"

// Fixtures at global scope, as a driver declares its types. The sizes are odd on purpose: no
// other type this unit declares (GoogleTest's included) has them.
struct RaceTestRing {
  uint32_t Head;
  uint32_t Tail;
  uint8_t Reserved[5];
};
struct RaceTestQueue {
  uint64_t Id;
  RaceTestRing SendRing;
  RaceTestRing RecvRing[2][3];
};
struct RaceTestAdapter {
  char Name[13];
  RaceTestQueue Queues[3];
  union {
    uint32_t Flags;
    uint8_t FlagBytes[4];
  };
};
// Two distinct types of one size: an allocation of that size is ambiguous.
struct RaceTestTwinA {
  char Bytes[777];
};
struct RaceTestTwinB {
  char Text[777];
};
namespace race_test_driver {
struct RaceTestContext {
  uint8_t Bytes[4099];
  uint32_t Counter;
};
}  // namespace race_test_driver
// Declared objects keep the types in the debug info (types used only in sizeof may be dropped).
RaceTestAdapter race_test_adapter;
RaceTestTwinA race_test_twin_a;
RaceTestTwinB race_test_twin_b;
race_test_driver::RaceTestContext race_test_context;

namespace nicsim::ndis::race {
namespace {

// A call's return address and the line of the call.
struct PcAndLine {
  uintptr_t pc;
  int line;
};

[[gnu::noinline]] uintptr_t ReturnAddress() {
  const uintptr_t pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  asm volatile("");  // keeps the call a call, not a tail jump
  return pc;
}

template <typename T>
struct Probe {
  [[gnu::noinline]] static PcAndLine Here() { return {ReturnAddress(), __LINE__}; }
};

std::string ThisFileSuffix() { return "testbench/ndis/race_symbols_test.cc"; }

TEST(RaceSymbolizer, LocatesFunctionAndLine) {
  Symbolizer symbolizer;
  const PcAndLine here{ReturnAddress(), __LINE__};
  const SourceLocation location = symbolizer.locate(here.pc);
  EXPECT_EQ(location.line, here.line);
  EXPECT_TRUE(location.file.ends_with(ThisFileSuffix())) << location.file;
  // Joined to the directory the compiler ran in, whatever relative name it was given.
  EXPECT_TRUE(std::filesystem::path(location.file).is_absolute()) << location.file;
  EXPECT_TRUE(std::filesystem::exists(location.file)) << location.file;
  EXPECT_EQ(location.function,
            "nicsim::ndis::race::(anonymous namespace)::"
            "RaceSymbolizer_LocatesFunctionAndLine_Test::TestBody");
}

TEST(RaceSymbolizer, DemanglesQualifiedNames) {
  Symbolizer symbolizer;
  const PcAndLine here = Probe<int>::Here();
  const SourceLocation location = symbolizer.locate(here.pc);
  EXPECT_EQ(location.function, "nicsim::ndis::race::(anonymous namespace)::Probe<int>::Here");
  EXPECT_EQ(location.line, here.line);
  EXPECT_TRUE(location.file.ends_with(ThisFileSuffix())) << location.file;
}

TEST(RaceSymbolizer, NamesALambdaByItsDemangledName) {
  Symbolizer symbolizer;
  const auto in_lambda = []() __attribute__((noinline)) {
    return PcAndLine{ReturnAddress(), __LINE__};
  };
  const PcAndLine here = in_lambda();
  const SourceLocation location = symbolizer.locate(here.pc);
  EXPECT_EQ(location.function,
            "nicsim::ndis::race::(anonymous namespace)::"
            "RaceSymbolizer_NamesALambdaByItsDemangledName_Test::TestBody()::"
            "{lambda()#1}::operator()");
  EXPECT_EQ(location.line, here.line);
}

TEST(RaceSymbolizer, CachesAnAnswer) {
  Symbolizer symbolizer;
  const PcAndLine here = Probe<char>::Here();
  const SourceLocation first = symbolizer.locate(here.pc);
  const SourceLocation second = symbolizer.locate(here.pc);
  EXPECT_EQ(first.function, second.function);
  EXPECT_EQ(first.line, second.line);
  EXPECT_EQ(second.line, here.line);
}

TEST(RaceSymbolizer, NoCodeIsUnknown) {
  Symbolizer symbolizer;
  ASSERT_NE(symbolizer.locate(ReturnAddress()).line, 0);  // the same symbolizer does find code
  const auto heap = std::make_unique<uint64_t[]>(4);
  for (const uintptr_t address : {uintptr_t{0}, uintptr_t{1}, reinterpret_cast<uintptr_t>(&heap[2]),
                                  reinterpret_cast<uintptr_t>(&race_test_adapter.Queues[1])}) {
    const SourceLocation location = symbolizer.locate(address);
    EXPECT_EQ(location.function, "") << std::hex << address;
    EXPECT_EQ(location.file, "") << std::hex << address;
    EXPECT_EQ(location.line, 0) << std::hex << address;
  }
}

TEST(RaceSymbolizer, FieldAtNestedStructsAndArrays) {
  Symbolizer symbolizer;
  const std::string file = ThisFileSuffix();
  const uint64_t bytes = sizeof(RaceTestAdapter);
  const uint64_t queue1 = offsetof(RaceTestAdapter, Queues) + sizeof(RaceTestQueue);
  EXPECT_EQ(symbolizer.field_at(file, bytes, 0), "RaceTestAdapter.Name[0]");
  EXPECT_EQ(symbolizer.field_at(file, bytes, 12), "RaceTestAdapter.Name[12]");
  EXPECT_EQ(symbolizer.field_at(
                file, bytes,
                queue1 + offsetof(RaceTestQueue, SendRing) + offsetof(RaceTestRing, Tail) + 2),
            "RaceTestAdapter.Queues[1].SendRing.Tail");
  const uint64_t recv_1_2 = offsetof(RaceTestQueue, RecvRing) + (1 * 3 + 2) * sizeof(RaceTestRing);
  EXPECT_EQ(
      symbolizer.field_at(file, bytes, queue1 + recv_1_2 + offsetof(RaceTestRing, Reserved) + 4),
      "RaceTestAdapter.Queues[1].RecvRing[1][2].Reserved[4]");
  // The union's first alternative, through an anonymous member that adds no name.
  EXPECT_EQ(symbolizer.field_at(file, bytes, offsetof(RaceTestAdapter, Flags) + 1),
            "RaceTestAdapter.Flags");
}

TEST(RaceSymbolizer, FieldAtNamesTheTypeWithoutItsNamespace) {
  Symbolizer symbolizer;
  using race_test_driver::RaceTestContext;
  EXPECT_EQ(symbolizer.field_at(ThisFileSuffix(), sizeof(RaceTestContext),
                                offsetof(RaceTestContext, Counter) + 3),
            "RaceTestContext.Counter");
}

TEST(RaceSymbolizer, FieldAtMatchesTheUnitByPathSuffix) {
  Symbolizer symbolizer;
  const uint64_t bytes = sizeof(RaceTestAdapter);
  const uint64_t id_of_queue2 = offsetof(RaceTestAdapter, Queues) + 2 * sizeof(RaceTestQueue);
  EXPECT_EQ(symbolizer.field_at("race_symbols_test.cc", bytes, id_of_queue2),
            "RaceTestAdapter.Queues[2].Id");
  EXPECT_EQ(symbolizer.field_at("../../ndis/race_symbols_test.cc", bytes, id_of_queue2),
            "RaceTestAdapter.Queues[2].Id");
  // A suffix matches whole path components only.
  EXPECT_EQ(symbolizer.field_at("symbols_test.cc", bytes, id_of_queue2), "");
  EXPECT_EQ(symbolizer.field_at("/nowhere/race_symbols_test.cc", bytes, id_of_queue2), "");
}

TEST(RaceSymbolizer, FieldAtUnknownOrAmbiguousIsEmpty) {
  Symbolizer symbolizer;
  const std::string file = ThisFileSuffix();
  ASSERT_EQ(sizeof(RaceTestTwinA), sizeof(RaceTestTwinB));
  // Positive control: the same query finds a type when its size is unique.
  ASSERT_NE(symbolizer.field_at(file, sizeof(RaceTestAdapter), 0), "");
  EXPECT_EQ(symbolizer.field_at(file, sizeof(RaceTestTwinA), 0), "");
  EXPECT_EQ(symbolizer.field_at(file, 999'983, 0), "");  // no type that size
  EXPECT_EQ(symbolizer.field_at("no/such/unit.cc", sizeof(RaceTestAdapter), 0), "");
  EXPECT_EQ(symbolizer.field_at(file, sizeof(RaceTestAdapter), sizeof(RaceTestAdapter)), "");
}

// --- suppressions ---

Suppressions Parse(std::string_view text) {
  std::string error;
  std::optional<Suppressions> parsed = Suppressions::parse(text, "test.supp", &error);
  EXPECT_TRUE(parsed.has_value()) << error;
  return parsed.value_or(*Suppressions::parse("", "empty", nullptr));
}

std::string ParseError(std::string_view text) {
  std::string error;
  EXPECT_FALSE(Suppressions::parse(text, "test.supp", &error).has_value()) << text;
  return error;
}

const SourceLocation kSendFrame{"MPSendNetBufferLists", "/src/driver/miniport/mp_send.cc", 40};
const SourceLocation kDpcFrame{"MPHandleInterrupt", "/src/driver/miniport/mp_interrupt.cc", 90};
const SourceLocation kUnknownFrame{"", "", 0};

std::string Matched(const Suppressions& suppressions, const std::vector<SourceLocation>& frames) {
  const std::string* pattern = suppressions.match_race(frames);
  return pattern ? *pattern : "(none)";
}

TEST(RaceSuppressions, SubstringOfFunctionOrFile) {
  const Suppressions suppressions = Parse("race:SendNet\nrace:mp_interrupt.cc\n");
  EXPECT_EQ(suppressions.size(), 2u);
  EXPECT_EQ(Matched(suppressions, {kSendFrame}), "SendNet");
  EXPECT_EQ(Matched(suppressions, {kDpcFrame}), "mp_interrupt.cc");
  EXPECT_EQ(Matched(suppressions, {{"MPReturnNetBufferLists", "/src/mp_recv.cc", 1}}), "(none)");
}

TEST(RaceSuppressions, WildcardAndAnchors) {
  EXPECT_TRUE(suppression_pattern_matches("MP*Lists", "MPSendNetBufferLists"));
  EXPECT_TRUE(suppression_pattern_matches("^MPSend", "MPSendNetBufferLists"));
  EXPECT_FALSE(suppression_pattern_matches("^Send", "MPSendNetBufferLists"));
  EXPECT_TRUE(suppression_pattern_matches("Lists$", "MPSendNetBufferLists"));
  EXPECT_FALSE(suppression_pattern_matches("Net$", "MPSendNetBufferLists"));
  EXPECT_TRUE(suppression_pattern_matches("^MPSendNetBufferLists$", "MPSendNetBufferLists"));
  EXPECT_FALSE(suppression_pattern_matches("^MPSend$", "MPSendNetBufferLists"));
  EXPECT_FALSE(suppression_pattern_matches("^ab$", "abab"));
  EXPECT_TRUE(suppression_pattern_matches("^MP*Net*$", "MPSendNetBufferLists"));
  EXPECT_TRUE(suppression_pattern_matches("^*Buffer*", "MPSendNetBufferLists"));
  EXPECT_TRUE(suppression_pattern_matches("*", "x"));
  // Each part may match anywhere after the one before: the last "b" is found, not the first.
  EXPECT_TRUE(suppression_pattern_matches("a*b$", "abxb"));
  EXPECT_FALSE(suppression_pattern_matches("b*a", "ab"));
  // An unknown function or file never matches.
  EXPECT_FALSE(suppression_pattern_matches("*", ""));

  const Suppressions suppressions = Parse("race:^MPHandle*$\nrace:^/src/driver/*/mp_send.cc$\n");
  EXPECT_EQ(Matched(suppressions, {kDpcFrame}), "^MPHandle*$");
  EXPECT_EQ(Matched(suppressions, {kSendFrame}), "^/src/driver/*/mp_send.cc$");
}

TEST(RaceSuppressions, RaceMatchesAnyFrameRaceTopOnlyTheFirst) {
  const Suppressions race = Parse("race:MPHandleInterrupt");
  EXPECT_EQ(Matched(race, {kSendFrame, kDpcFrame}), "MPHandleInterrupt");
  const Suppressions race_top = Parse("race_top:MPHandleInterrupt");
  EXPECT_EQ(Matched(race_top, {kSendFrame, kDpcFrame}), "(none)");
  EXPECT_EQ(Matched(race_top, {kDpcFrame, kSendFrame}), "MPHandleInterrupt");
  EXPECT_EQ(Matched(race_top, {}), "(none)");
  EXPECT_EQ(Matched(race_top, {kUnknownFrame}), "(none)");
}

TEST(RaceSuppressions, FirstMatchingLineWins) {
  const Suppressions suppressions = Parse("race_top:MP\nrace:Send\nrace:MP\n");
  // `race` is tried on every frame before `race_top`, as TSan does.
  EXPECT_EQ(Matched(suppressions, {kSendFrame}), "Send");
  EXPECT_EQ(Matched(suppressions, {kDpcFrame}), "MP");
}

TEST(RaceSuppressions, CommentsBlankLinesAndOtherTypes) {
  const Suppressions suppressions = Parse(
      "# the send path's statistics are approximate\n"
      "\n"
      "   \t\n"
      "  race:MPSend  \r\n"
      "thread:*\nmutex:*\nsignal:*\ndeadlock:*\ncalled_from_lib:libfoo.so\n"
      "   # indented comment");
  EXPECT_EQ(suppressions.size(), 6u);
  EXPECT_EQ(Matched(suppressions, {kSendFrame}), "MPSend");
  // The ignored types never suppress a race, even with "*".
  EXPECT_EQ(Matched(suppressions, {kDpcFrame}), "(none)");
  EXPECT_EQ(Parse("").size(), 0u);
}

TEST(RaceSuppressions, MalformedLineNamesItsNumber) {
  EXPECT_EQ(ParseError("race:ok\n\n# fine\nMPSendNetBufferLists\n"),
            "test.supp:4: expected type:pattern, got 'MPSendNetBufferLists'");
  EXPECT_EQ(ParseError("race:\n"), "test.supp:1: empty pattern (write '*' to match everything)");
  EXPECT_EQ(ParseError("race:ok\nrace:a$b\n"),
            "test.supp:2: '$' anchors the end and must be the pattern's last character");
}

TEST(RaceSuppressions, UnknownTypeIsAnError) {
  EXPECT_EQ(ParseError("race:ok\nraces:MPSend\n"), "test.supp:2: unknown suppression type 'races'");
  EXPECT_EQ(ParseError("Race:MPSend"), "test.supp:1: unknown suppression type 'Race'");
}

TEST(RaceSuppressions, LoadsAFileAndNamesAnUnreadableOne) {
  const std::filesystem::path path =
      ::testing::TempDir() + "race_symbols_test_" + std::to_string(getpid()) + ".supp";
  std::ofstream(path) << "race:MPSend\nbogus\n";
  std::string error;
  EXPECT_FALSE(Suppressions::load(path.string(), &error).has_value());
  EXPECT_EQ(error, path.string() + ":2: expected type:pattern, got 'bogus'");
  std::ofstream(path) << "race:MPSend\n";
  const std::optional<Suppressions> loaded = Suppressions::load(path.string(), &error);
  ASSERT_TRUE(loaded.has_value()) << error;
  EXPECT_EQ(loaded->size(), 1u);
  std::filesystem::remove(path);

  EXPECT_FALSE(Suppressions::load("/no/such/race.supp", &error).has_value());
  EXPECT_EQ(error, "/no/such/race.supp: cannot read suppressions: No such file or directory");
  EXPECT_FALSE(Suppressions::load("/", &error).has_value());
  EXPECT_EQ(error, "/: cannot read suppressions: Is a directory");
}

}  // namespace
}  // namespace nicsim::ndis::race
