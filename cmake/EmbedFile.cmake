# cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name -P EmbedFile.cmake
# Writes a C++ file defining `std::string_view SYMBOL()` with INPUT's bytes,
# as a byte array (a string literal over 64 KiB is refused by clang's
# -Woverlength-strings, part of -Wpedantic).
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
  "#include <string_view>\nnamespace chronicle::api {\nstd::string_view ${SYMBOL}() {\n"
  "  static constexpr unsigned char kBytes[] = {\n    ${bytes}0x00};\n"
  "  return {reinterpret_cast<const char*>(kBytes), ${size}};\n}\n}  // namespace chronicle::api\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
