#include "chronicle/base/time.hpp"

#include <chrono>
#include <cstdio>

namespace chronicle {

std::string FormatTimestamp(std::int64_t unix_ns) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{unix_ns / 1'000'000}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long long>(hms.hours().count()),
                static_cast<long long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

std::optional<std::int64_t> ParseTimestamp(std::string_view text) {
  using namespace std::chrono;
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &s, &consumed) !=
          6 ||
      consumed != 19) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{mo}, day{d}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  // Nanoseconds since 1970 fit in int64 from 1677-09-21 to 2262-04-11: keep
  // a year inside that (anything else is refused, never wrapped).
  if (y < 1678 || y > 2261) return std::nullopt;
  std::int64_t ns = 0;
  std::size_t i = 19;
  if (i < copy.size() && copy[i] == '.') {
    std::int64_t scale = 100'000'000;
    for (++i; i < copy.size() && copy[i] >= '0' && copy[i] <= '9'; ++i) {
      ns += (copy[i] - '0') * scale;
      scale /= 10;
    }
  }
  std::int64_t offset_s = 0;
  if (i < copy.size() && (copy[i] == 'Z' || copy[i] == 'z')) {
    ++i;
  } else if (i + 6 == copy.size() && (copy[i] == '+' || copy[i] == '-') && copy[i + 3] == ':') {
    const int oh = (copy[i + 1] - '0') * 10 + (copy[i + 2] - '0');
    const int om = (copy[i + 4] - '0') * 10 + (copy[i + 5] - '0');
    offset_s = (copy[i] == '+' ? 1 : -1) * (std::int64_t{oh} * 3600 + std::int64_t{om} * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != copy.size()) return std::nullopt;
  const auto secs = sys_days{ymd}.time_since_epoch() + hours{h} + minutes{mi} + seconds{s};
  return (duration_cast<seconds>(secs).count() - offset_s) * 1'000'000'000 + ns;
}

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace chronicle
