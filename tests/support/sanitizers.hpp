#pragma once

// Whether this test binary runs under AddressSanitizer: memory figures are
// meaningless there (freed memory sits in ASan's quarantine), and an
// LD_PRELOADed library (libfaketime) cannot load before ASan's runtime.
namespace chronicle::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

}  // namespace chronicle::testing
