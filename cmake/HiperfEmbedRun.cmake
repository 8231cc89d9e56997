# Turns a file into a C source holding its bytes (NUL-terminated), so the
# program carries it without reading files at run time: the requirement
# catalog, the reference baseline.  Defines SYMBOL_data[] and SYMBOL_size.
#   cmake -DINPUT=... -DOUTPUT=... -DSYMBOL=... -P HiperfEmbedRun.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR size "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
  "/* Generated from ${INPUT} by cmake/HiperfEmbedRun.cmake: do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const char ${SYMBOL}_data[];\n"
  "extern const size_t ${SYMBOL}_size;\n"
  "const char ${SYMBOL}_data[] = {\n    ${bytes}0x00\n};\n"
  "const size_t ${SYMBOL}_size = ${size};\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
