# Turns a data file into a C++ translation unit defining
#   extern const std::string_view shiftsim::embedded::<SYMBOL>;
# Run by shiftsim_embed() at build time.
file(READ "${IN}" content HEX)
string(LENGTH "${content}" hex_len)
math(EXPR byte_count "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE "${OUT}" "// Generated from ${IN}; do not edit.\n#include <string_view>\n"
  "namespace shiftsim::embedded {\nstatic const unsigned char data_[] = {${bytes} 0};\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}{reinterpret_cast<const char*>(data_), ${byte_count}};\n}\n")
