// The command-line parser every command declares its options with: what it accepts, what it
// refuses (as usage errors naming the option), and the --help text it prints.
#include "cli/options.h"

#include <gtest/gtest.h>

namespace sicoop::cli {
namespace {

const CommandSpec kSpec = {
    "sicoop try --name X [options]",
    "A command for the tests.",
    {
        {"name", "X", "a required value", "", true},
        {"count", "N", "a number with a default", "7"},
        {"mode", "MODE", "one of a few words", "slow"},
        {"flag", "", "takes no value", ""},
    }};

ParsedOptions ParseOrFail(const std::vector<std::string>& args) {
  auto parsed = ParseOptions(kSpec, args);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed : ParsedOptions();
}

// The usage error's message, or "" (and a failure) when parsing succeeded.
std::string UsageErrorOf(const std::vector<std::string>& args) {
  auto parsed = ParseOptions(kSpec, args);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_TRUE(parsed.status().is_usage()) << parsed.status().message();
  return parsed.status().message();
}

TEST(ParseOptionsTest, SeparateAndInlineValuesFlagsAndDefaults) {
  ParsedOptions parsed = ParseOrFail({"--name", "a b", "--count=12", "--flag"});
  EXPECT_EQ(parsed.Get("name"), "a b");
  EXPECT_EQ(parsed.Get("count"), "12");
  EXPECT_TRUE(parsed.Has("flag"));
  EXPECT_FALSE(parsed.Has("mode"));
  EXPECT_EQ(parsed.Get("mode"), "slow");
  EXPECT_EQ(parsed.Get("unknown"), "");
  EXPECT_FALSE(parsed.help_requested());
}

TEST(ParseOptionsTest, InlineValueMayHoldEqualsSignsAndBeEmpty) {
  EXPECT_EQ(ParseOrFail({"--name=k=v"}).Get("name"), "k=v");
  ParsedOptions empty = ParseOrFail({"--name="});
  EXPECT_TRUE(empty.Has("name"));
  EXPECT_EQ(empty.Get("name"), "");
}

TEST(ParseOptionsTest, ValueMayStartWithDashes) {
  // "--name --flag": the value is taken as given, not read as the next option.
  ParsedOptions parsed = ParseOrFail({"--name", "--flag"});
  EXPECT_EQ(parsed.Get("name"), "--flag");
  EXPECT_FALSE(parsed.Has("flag"));
}

TEST(ParseOptionsTest, TheLastOfARepeatedOptionWins) {
  EXPECT_EQ(ParseOrFail({"--name", "first", "--name", "second"}).Get("name"), "second");
}

TEST(ParseOptionsTest, HelpWinsOverEverythingElse) {
  // Once --help is seen the rest is not read, and required options are not asked for.
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"--help", "--unknown"}}) {
    auto parsed = ParseOptions(kSpec, args);
    ASSERT_TRUE(parsed.ok()) << args[0];
    EXPECT_TRUE(parsed->help_requested()) << args[0];
  }
}

TEST(ParseOptionsTest, UsageErrorsNameTheWrongPartAndPointAtHelp) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--name", "x", "--nmae", "y"}, "unknown option --nmae: did you mean --name?"},
           {{"--name", "x", "stray"}, "unexpected argument 'stray'"},
           {{"-n", "x"}, "unexpected argument '-n'"},
           {{"--name"}, "--name needs a value (X)"},
           {{"--flag=1", "--name", "x"}, "--flag takes no value"},
           {{"--count", "3"}, "missing --name X"},
           {{}, "missing --name X"},
       }) {
    EXPECT_EQ(UsageErrorOf(c.args), c.message);
  }
}

// --count's value as GetInt reads it in [min, max], or -999 (and a failure) when it refuses it.
int64_t CountOrFail(const std::vector<std::string>& count_args, int64_t min, int64_t max) {
  std::vector<std::string> args = {"--name", "x"};
  args.insert(args.end(), count_args.begin(), count_args.end());
  auto value = ParseOrFail(args).GetInt("count", min, max);
  EXPECT_TRUE(value.ok()) << value.status().message();
  return value.ok() ? *value : -999;
}

TEST(GetIntTest, WholeNumbersInsideTheRange) {
  EXPECT_EQ(CountOrFail({}, 0, 10), 7);
  EXPECT_EQ(CountOrFail({"--count", "0"}, 0, 10), 0);
  EXPECT_EQ(CountOrFail({"--count", "10"}, 0, 10), 10);
  EXPECT_EQ(CountOrFail({"--count", "-3"}, -5, 10), -3);
  EXPECT_EQ(CountOrFail({"--count", "9223372036854775807"}, 0, INT64_MAX), INT64_MAX);
}

TEST(GetIntTest, AnythingElseIsAUsageErrorNamingOptionRangeAndValue) {
  for (const std::string text : {"11", "-1", "", "1.5", "3x", " 3", "+3", "0x10", "99999999999999999999"}) {
    auto value = ParseOrFail({"--name", "x", "--count", text}).GetInt("count", 0, 10);
    ASSERT_FALSE(value.ok()) << "'" << text << "' was accepted";
    EXPECT_TRUE(value.status().is_usage());
    EXPECT_EQ(value.status().message(), "--count must be a whole number from 0 to 10, not '" + text + "'");
  }
}

TEST(GetChoiceTest, OneOfTheChoicesOrAUsageErrorListingThem) {
  auto by_default = ParseOrFail({"--name", "x"}).GetChoice("mode", {"slow", "fast"});
  ASSERT_TRUE(by_default.ok()) << by_default.status().message();
  EXPECT_EQ(*by_default, "slow");
  auto given = ParseOrFail({"--name", "x", "--mode", "fast"}).GetChoice("mode", {"slow", "fast"});
  ASSERT_TRUE(given.ok()) << given.status().message();
  EXPECT_EQ(*given, "fast");
  for (const std::string text : {"Fast", "fast ", "", "medium"}) {
    auto choice = ParseOrFail({"--name", "x", "--mode", text}).GetChoice("mode", {"slow", "fast"});
    ASSERT_FALSE(choice.ok()) << "'" << text << "' was accepted";
    EXPECT_TRUE(choice.status().is_usage());
    EXPECT_EQ(choice.status().message(), "--mode must be one of slow|fast, not '" + text + "'");
  }
}

// Option descriptions start in column 29, whatever the option's length.
TEST(HelpTextTest, UsageSummaryAndOneAlignedLinePerOption) {
  EXPECT_EQ(HelpText(kSpec),
            "usage: sicoop try --name X [options]\n"
            "\n"
            "A command for the tests.\n"
            "\n"
            "options:\n"
            "  --name X                  a required value (required)\n"
            "  --count N                 a number with a default (default: 7)\n"
            "  --mode MODE               one of a few words (default: slow)\n"
            "  --flag                    takes no value\n");
}

const CommandSpec kShortSpec = {
    "sicoop try [options]",
    "A command with the conventional one-letter options.",
    {
        {"output", "DIR", "a folder", "out"},
        {"quiet", "", "say less", ""},
        {"verbose", "", "say more", ""},
        {"outline", "", "a flag close to --output", ""},
    }};

TEST(ShortOptionsTest, ConventionalLettersForOutputQuietAndVerbose) {
  auto separate = ParseOptions(kShortSpec, {"-o", "dir", "-q", "-v"});
  ASSERT_TRUE(separate.ok()) << separate.status().message();
  EXPECT_EQ(separate->Get("output"), "dir");
  EXPECT_TRUE(separate->Has("quiet"));
  EXPECT_TRUE(separate->Has("verbose"));
  auto attached = ParseOptions(kShortSpec, {"-o/tmp/x"});
  ASSERT_TRUE(attached.ok()) << attached.status().message();
  EXPECT_EQ(attached->Get("output"), "/tmp/x");
  // Only options of the command have a short form: kSpec has no --output, so -o is refused there.
  EXPECT_EQ(UsageErrorOf({"--name", "x", "-o", "dir"}), "unexpected argument '-o'");
}

TEST(ShortOptionsTest, RefusedForms) {
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-o"}, "--output needs a value (DIR)"},
           {{"-qv"}, "unexpected argument '-qv': give one-letter options separately"},
           {{"-x"}, "unexpected argument '-x'"},
       }) {
    auto parsed = ParseOptions(kShortSpec, args);
    ASSERT_FALSE(parsed.ok()) << args[0];
    EXPECT_TRUE(parsed.status().is_usage());
    EXPECT_EQ(parsed.status().message(), message);
  }
}

TEST(ShortOptionsTest, HelpShowsTheShortFormBeforeTheLongOne) {
  EXPECT_NE(HelpText(kShortSpec).find("\n  -o, --output DIR          a folder (default: out)\n"), std::string::npos)
      << HelpText(kShortSpec);
  EXPECT_NE(HelpText(kShortSpec).find("\n  --outline                 "), std::string::npos) << HelpText(kShortSpec);
}

TEST(SuggestionTest, TheNearestWordWithinOneSlipPerThreeCharacters) {
  const std::vector<std::string> commands = {"db", "etl", "demo", "spark", "help"};
  EXPECT_EQ(NearestOf("elt", commands), "etl");      // two neighbours swapped
  EXPECT_EQ(NearestOf("sprak", commands), "spark");
  EXPECT_EQ(NearestOf("dmeo", commands), "demo");
  EXPECT_EQ(NearestOf("int", {"init", "seed"}), "init");  // a letter missing
  EXPECT_EQ(NearestOf("ouput", {"db", "output", "spark"}), "output");
  EXPECT_EQ(NearestOf("card-nmuber", {"card-number", "delimiter"}), "card-number");
  EXPECT_EQ(NearestOf("spreadsheetsafe", {"spreadsheet-safe"}), "spreadsheet-safe");
  // Too far from everything to be a slip: no suggestion rather than a wrong one.
  EXPECT_EQ(NearestOf("load", commands), std::nullopt);
  EXPECT_EQ(NearestOf("x", {"db"}), std::nullopt);
  EXPECT_EQ(NearestOf("output", {}), std::nullopt);
  // The nearest wins over a farther one that is also within reach.
  EXPECT_EQ(NearestOf("outpt", {"outline", "output"}), "output");
}

TEST(SuggestionTest, AnUnknownOptionNamesTheNearestDeclaredOne) {
  EXPECT_EQ(UsageErrorOf({"--name", "x", "--cuont", "3"}), "unknown option --cuont: did you mean --count?");
  EXPECT_EQ(UsageErrorOf({"--name", "x", "--colour"}), "unknown option --colour");
}

TEST(HelpTextTest, NoOptionsNoOptionsSection) {
  EXPECT_EQ(HelpText({"sicoop stop", "Stops.", {}}), "usage: sicoop stop\n\nStops.\n");
}

}  // namespace
}  // namespace sicoop::cli
