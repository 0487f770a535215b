#include "cli_flags.hpp"

#include <cstdlib>

namespace chronicle::app {

Result<Flags> Flags::Parse(const std::vector<FlagSpec>& specs,
                           const std::vector<std::string_view>& args) {
  Flags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      flags.help_ = true;
      continue;
    }
    if (arg.substr(0, 2) != "--")
      return InvalidArgumentError("unexpected argument '" + std::string(arg) + "'");
    arg.remove_prefix(2);
    std::optional<std::string_view> inline_value;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == arg) spec = &s;
    }
    if (spec == nullptr) return InvalidArgumentError("unknown flag --" + std::string(arg));
    if (spec->is_switch) {
      flags.values_[spec->name] = "true";
    } else if (inline_value) {
      flags.values_[spec->name] = std::string(*inline_value);
    } else if (i + 1 < args.size()) {
      flags.values_[spec->name] = std::string(args[++i]);
    } else {
      return InvalidArgumentError("flag --" + spec->name + " needs a value");
    }
  }
  for (const auto& spec : specs) {
    if (flags.values_.contains(spec.name)) continue;
    if (!spec.env.empty()) {
      if (const char* env = std::getenv(spec.env.c_str()); env != nullptr) {
        flags.values_[spec.name] = env;
        continue;
      }
    }
    if (!spec.default_value.empty()) flags.values_[spec.name] = spec.default_value;
  }
  return flags;
}

std::string Flags::Get(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}

bool Flags::Has(std::string_view name) const { return values_.contains(name); }

std::string FlagsHelp(std::string_view usage, const std::vector<FlagSpec>& specs) {
  std::string out = "usage: " + std::string(usage) + "\n\nflags:\n";
  for (const auto& spec : specs) {
    std::string line = "  --" + spec.name;
    if (!spec.is_switch) line += " VALUE";
    line.resize(std::max<std::size_t>(line.size() + 2, 28), ' ');
    line += spec.help;
    if (!spec.default_value.empty()) line += " (default: " + spec.default_value + ")";
    if (!spec.env.empty()) line += " [env " + spec.env + "]";
    out += line + "\n";
  }
  return out;
}

}  // namespace chronicle::app
