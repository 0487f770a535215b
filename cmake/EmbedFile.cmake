# cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name -P EmbedFile.cmake
# Writes a C++ file defining `std::string_view SYMBOL()` with INPUT's bytes.
file(READ "${INPUT}" content)
file(WRITE "${OUTPUT}.tmp"
  "#include <string_view>\nnamespace chronicle::api {\nstd::string_view ${SYMBOL}() {\n"
  "  static constexpr std::string_view kText = R\"EMBED(${content})EMBED\";\n  return kText;\n}\n}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
