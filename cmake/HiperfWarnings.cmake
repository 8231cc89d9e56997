# The warnings every target of ours builds with (STYLE.md): -Wall -Wextra
# -Werror and a few stricter ones that catch real mistakes in COM-style C.
add_library(hiperf_warnings INTERFACE)
target_compile_options(hiperf_warnings INTERFACE
  -Wall -Wextra -Werror
  -Wshadow -Wformat=2 -Wundef -Wvla -Wpointer-arith -Wwrite-strings
  -Wcast-align -Wmissing-declarations
  $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition>)
target_compile_definitions(hiperf_warnings INTERFACE _GNU_SOURCE)
