#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/projections/projection.hpp"

namespace chronicle::projections {

// Every read model by name, for the server, rebuilds and digests.
std::vector<std::string> ProjectionNames();
// A new, empty instance of the projection named `name`; null if unknown.
std::unique_ptr<Projection> MakeProjection(std::string_view name);

}  // namespace chronicle::projections
