// The CLI's help: the whole usage text, and one command's part of it
// (`faultgraph COMMAND --help`, `faultgraph help COMMAND`).
#pragma once

#include <string>
#include <string_view>

namespace faultgraph::cli {

// Every command and its options, then the filters and global options, in
// the current language (CurrentLang(); the command lines are the same in all).
std::string Usage();

// The entries of `command` in Usage() (a command may have several, as
// `trends` and `connectors` do), the filters when they take them, and
// where the global options are; empty when `command` has no entry.
std::string CommandHelp(std::string_view command);

}  // namespace faultgraph::cli
