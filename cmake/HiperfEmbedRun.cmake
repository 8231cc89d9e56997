# cmake -DIN=file -DOUT=file.c -DSYMBOL=name -P HiperfEmbedRun.cmake
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "/* Generated from ${IN} by cmake/HiperfEmbedRun.cmake; do not edit. */\n"
                  "const char ${SYMBOL}[] = {\n${bytes}0x00};\n"
                  "const unsigned long ${SYMBOL}_len = ${len};\n")
