#include "chronicle/eventstore/expected_version.hpp"

namespace chronicle::eventstore {

bool ExpectedVersion::Matches(std::optional<std::uint64_t> current) const {
  switch (kind_) {
    case Kind::kAny:
      return true;
    case Kind::kNoStream:
      return !current.has_value();
    case Kind::kStreamExists:
      return current.has_value();
    case Kind::kExact:
      return current.has_value() && *current == version_;
  }
  return false;
}

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no_stream";
    case Kind::kStreamExists:
      return "stream_exists";
    case Kind::kExact:
      return std::to_string(version_);
  }
  return "?";
}

}  // namespace chronicle::eventstore
