// Every sicoop command with its declaration, examples and the environment variables it reads: the one
// source of the --help pages' closing sections, `sicoop help COMMAND`, the shell completion scripts
// and the man page, so that none of them can list an option or a command the parser does not know.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"

namespace sicoop::cli {

// The declarations of the commands, defined next to each command's code.
const CommandSpec& DbInitSpec();
const CommandSpec& DbSeedSpec();
const CommandSpec& EtlSpec();
const CommandSpec& DemoSpec();
const CommandSpec& LakeIngestSpec();
const CommandSpec& LakeBuildSpec();
const CommandSpec& LakeExportSpec();
const CommandSpec& LakeShowSpec();
const CommandSpec& LakeVerifySpec();
const CommandSpec& ReportMemberSpec();
const CommandSpec& ReportMembersSpec();
const CommandSpec& SparkStartSpec();
const CommandSpec& SparkStopSpec();
const CommandSpec& SparkStatusSpec();
const CommandSpec& DoctorSpec();

struct CatalogEntry {
  std::string words;                     // the command words after "sicoop": "db init"
  const CommandSpec& (*spec)();          // its declaration
  std::vector<std::string> examples;     // whole command lines, each one a user can paste
  std::vector<std::string> environment;  // the variables it reads, names as in kEnvironmentVariables
};

// In the order the top-level help lists them.
const std::vector<CatalogEntry>& Catalog();

// The first words of the catalog's commands, each once: "db", "etl", "demo", "spark".
std::vector<std::string> TopLevelWords();

// The words that follow `group` ("db" -> "init", "seed"); empty for a command without subcommands.
std::vector<std::string> SubcommandWords(const std::string& group);

// The closing sections of the help page of `words` ("" for sicoop itself, "db" for a group, "etl"
// for one command): Examples and Environment of every command it covers, then Exit status.
std::string HelpSections(const std::string& words);

// The whole --help page of a command: HelpText and its closing sections.
std::string HelpPage(const CommandSpec& spec);

// "sicoop 0.1.0", then the Spark runtime, JDBC drivers and Iceberg runtime it was built with, one a line.
std::string VersionText();

// Shell completion for `shell` ("bash" or "zsh"); empty for another shell.
std::string CompletionScript(const std::string& shell);

// The man page of sicoop, in roff (man -l reads it).
std::string ManPage();

}  // namespace sicoop::cli
