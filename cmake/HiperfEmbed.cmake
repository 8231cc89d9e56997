# hiperf_embed(OUT_C SYMBOL FILE): generates OUT_C defining
#   const char SYMBOL_data[]; const size_t SYMBOL_size;
# with FILE's bytes (NUL-terminated), regenerated whenever FILE changes.
function(hiperf_embed out_c symbol file)
  add_custom_command(
    OUTPUT ${out_c}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${file} -DOUTPUT=${out_c} -DSYMBOL=${symbol}
            -P ${CMAKE_SOURCE_DIR}/cmake/HiperfEmbedRun.cmake
    DEPENDS ${file} ${CMAKE_SOURCE_DIR}/cmake/HiperfEmbedRun.cmake
    COMMENT "Embedding ${file}"
    VERBATIM)
endfunction()
