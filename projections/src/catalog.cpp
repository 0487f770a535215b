#include "chronicle/projections/catalog.hpp"

#include "chronicle/projections/records_projection.hpp"
#include "chronicle/projections/tables_projection.hpp"

namespace chronicle::projections {

std::vector<std::string> ProjectionNames() { return {"records", "tables"}; }

std::unique_ptr<Projection> MakeProjection(std::string_view name) {
  if (name == "records") return std::make_unique<RecordsProjection>();
  if (name == "tables") return std::make_unique<TablesProjection>();
  return nullptr;
}

}  // namespace chronicle::projections
