#include "metrics.hpp"

#include <cstdio>

namespace chronicle::api {

void Metrics::Histogram::Observe(double seconds) {
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++buckets[i];
  }
  ++count;
  sum += seconds;
}

void Metrics::ObserveRequest(const std::string& route, const std::string& method, unsigned status,
                             double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  latency_[{route, method}].Observe(seconds);
}

void Metrics::ObserveCommand(double seconds) {
  std::lock_guard lock(mu_);
  commands_.Observe(seconds);
}

void Metrics::RenderHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h) {
  char buf[64];
  const std::string sep = labels.empty() ? "" : ",";
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%g", kBuckets[i]);
    out += name + "_bucket{" + labels + sep + "le=\"" + buf + "\"} " +
           std::to_string(h.buckets[i]) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
  std::snprintf(buf, sizeof buf, "%.6f", h.sum);
  out += name + "_sum" + (labels.empty() ? "" : "{" + labels + "}") + " " + buf + "\n";
  out += name + "_count" + (labels.empty() ? "" : "{" + labels + "}") + " " +
         std::to_string(h.count) + "\n";
}

std::string Metrics::Render(const std::map<std::string, double>& gauges) const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP chronicle_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE chronicle_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "chronicle_http_requests_total{route=\"" + route + "\",method=\"" + method +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP chronicle_http_request_duration_seconds HTTP request latency by route.\n";
  out += "# TYPE chronicle_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    RenderHistogram(out, "chronicle_http_request_duration_seconds",
                    "route=\"" + key.first + "\",method=\"" + key.second + "\"", h);
  }
  out +=
      "# HELP chronicle_command_duration_seconds Command latency: load, decide, append (fsync).\n";
  out += "# TYPE chronicle_command_duration_seconds histogram\n";
  RenderHistogram(out, "chronicle_command_duration_seconds", "", commands_);
  for (const auto& [name, value] : gauges) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", value);
    out += "# TYPE " + name + " gauge\n" + name + " " + buf + "\n";
  }
  return out;
}

}  // namespace chronicle::api
