#include "chronicle/json/parse.hpp"

#include <simdjson.h>

#include <algorithm>
#include <string_view>
#include <vector>

namespace chronicle {
namespace {

constexpr int kMaxDepth = 64;
// No request or stored document of ours has more members than this; a body
// with more is refused before any work proportional to its keys.
constexpr std::size_t kMaxKeysPerObject = 10'000;

Result<Json> Convert(simdjson::dom::element element, int depth) {
  if (depth > kMaxDepth) return InvalidArgumentError("JSON nested too deeply");
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return Json();
    case simdjson::dom::element_type::BOOL:
      return Json(bool(element.get_bool().value_unsafe()));
    case simdjson::dom::element_type::INT64:
      return Json(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: {
      const std::uint64_t u = element.get_uint64().value_unsafe();
      return Json(static_cast<double>(u));  // beyond int64: keep magnitude
    }
    case simdjson::dom::element_type::DOUBLE:
      return Json(element.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return Json(std::string(element.get_string().value_unsafe()));
    case simdjson::dom::element_type::ARRAY: {
      Json::Array array;
      simdjson::dom::array items = element.get_array().value_unsafe();
      for (simdjson::dom::element item : items) {
        CHRONICLE_ASSIGN_OR_RETURN(Json value, Convert(item, depth + 1));
        array.push_back(std::move(value));
      }
      return Json(std::move(array));
    }
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object fields = element.get_object().value_unsafe();
      if (fields.size() > kMaxKeysPerObject) {
        return InvalidArgumentError("a JSON object has more than " +
                                    std::to_string(kMaxKeysPerObject) + " members");
      }
      // Duplicate keys are refused: sort views of the keys, compare neighbours
      // (O(n log n); a quadratic scan let one body burn seconds of CPU).
      std::vector<std::string_view> keys;
      keys.reserve(fields.size());
      for (auto field : fields) keys.push_back(field.key);
      std::sort(keys.begin(), keys.end());
      if (auto dup = std::adjacent_find(keys.begin(), keys.end()); dup != keys.end()) {
        return InvalidArgumentError("duplicate key '" + std::string(*dup) + "'");
      }
      Json::Object object;
      object.reserve(keys.size());
      for (auto field : fields) {
        CHRONICLE_ASSIGN_OR_RETURN(Json value, Convert(field.value, depth + 1));
        object.emplace_back(std::string(field.key), std::move(value));
      }
      return Json(std::move(object));
    }
  }
  return InvalidArgumentError("unsupported JSON value");
}

}  // namespace

Result<Json> ParseJson(std::string_view text) {
  // One parser per thread: simdjson reuses its buffers across documents.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error) {
    return InvalidArgumentError(std::string("malformed JSON: ") + simdjson::error_message(error));
  }
  return Convert(root, 0);
}

}  // namespace chronicle
