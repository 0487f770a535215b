#include "chronicle/projections/catalog.hpp"

#include "chronicle/projections/records_projection.hpp"

namespace chronicle::projections {

std::vector<std::string> ProjectionNames() { return {"records"}; }

std::unique_ptr<Projection> MakeProjection(std::string_view name) {
  if (name == "records") return std::make_unique<RecordsProjection>();
  return nullptr;
}

}  // namespace chronicle::projections
