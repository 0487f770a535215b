#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace chronicle::api {

// Prometheus text exposition of request counts and latency histograms per
// route, command (append) latency, and gauges read at scrape time.
// Thread-safety: all methods are safe concurrently.
class Metrics {
 public:
  void ObserveRequest(const std::string& route, const std::string& method, unsigned status,
                      double seconds);
  void ObserveCommand(double seconds);
  // `gauges` are name -> value pairs added to the exposition (projection lag...).
  std::string Render(const std::map<std::string, double>& gauges) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
    void Observe(double seconds);
  };
  static void RenderHistogram(std::string& out, const std::string& name, const std::string& labels,
                              const Histogram& h);

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;  // guarded
  std::map<std::pair<std::string, std::string>, Histogram> latency_;                  // guarded
  Histogram commands_;                                                                // guarded
};

}  // namespace chronicle::api
