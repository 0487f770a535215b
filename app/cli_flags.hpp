#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/result.hpp"

namespace chronicle::app {

// One flag a subcommand accepts; every flag may also come from `env`.
struct FlagSpec {
  std::string name;  // without "--"
  std::string env;   // e.g. CHRONICLE_DATA_DIR; empty: none
  std::string default_value;
  std::string help;
  bool is_switch = false;  // takes no value
};

// Parsed `--name value` / `--name=value` flags of one subcommand, with
// environment variables and defaults filled in.
class Flags {
 public:
  static Result<Flags> Parse(const std::vector<FlagSpec>& specs,
                             const std::vector<std::string_view>& args);

  [[nodiscard]] std::string Get(std::string_view name) const;
  [[nodiscard]] bool Has(std::string_view name) const;
  [[nodiscard]] bool help() const { return help_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
  bool help_ = false;
};

std::string FlagsHelp(std::string_view usage, const std::vector<FlagSpec>& specs);

}  // namespace chronicle::app
