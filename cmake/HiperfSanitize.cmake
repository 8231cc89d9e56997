# HIPERF_SANITIZE=ON: every target of the tree with AddressSanitizer and
# UndefinedBehaviorSanitizer.  UBSan aborts on the first finding so a test
# cannot pass over undefined behaviour.
add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
