#include "chronicle/eventstore/upcaster.hpp"

namespace chronicle::eventstore {

void UpcasterRegistry::Register(std::string type, std::uint16_t from_version, Upcaster upcaster) {
  chain_[{std::move(type), from_version}] = std::move(upcaster);
}

void UpcasterRegistry::Upcast(RecordedEvent& event) const {
  // Bounded by the number of registered steps, so a registry mistake cannot loop.
  for (std::size_t steps = 0; steps <= chain_.size(); ++steps) {
    auto it = chain_.find(std::pair<std::string, std::uint16_t>{event.type, event.schema_version});
    if (it == chain_.end()) return;
    event.payload = it->second(event.payload);
    ++event.schema_version;
  }
}

}  // namespace chronicle::eventstore
