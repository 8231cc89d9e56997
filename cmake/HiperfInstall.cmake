# HiperfInstall.cmake: what `cmake --install` puts where, and the CMake and
# pkg-config packages a provider project finds it with (docs/ci.md).
#
#   <bindir>/hiperfcheck, bench_refresh          the program (and what `bench` execs)
#   <includedir>/hiperf/*.h                       the public headers
#   <libdir>/libhiperf_compat.so*                 the OLE Automation subset
#   <libdir>/hiperfcheck/libhiperf_refprov.so     the reference provider and its MOF
#   <datadir>/hiperfcheck/scenarios/*.scn         the built-in scenario catalog
#   <datadir>/hiperfcheck/requirements.txt        the requirement catalog (also compiled in)
#   <datadir>/doc/hiperfcheck/                    the user documentation
#   <libdir>/cmake/hiperfcheck/                   find_package(hiperfcheck)
#   <libdir>/pkgconfig/hiperfcheck.pc             pkg-config for the headers and compat
#
# The program finds the reference provider and the catalog relative to
# itself (harness/suite.c), so the prefix can be moved after installation.
include(CMakePackageConfigHelpers)

set(HIPERF_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/hiperfcheck)

# Installed programs find libhiperf_compat through a relative RPATH; the
# reference provider, one directory further down, as well.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(_hiperf_rpath_bin "${CMAKE_INSTALL_LIBDIR}")
  set(_hiperf_rpath_prov "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _hiperf_bin_to_lib /p/${CMAKE_INSTALL_BINDIR} /p/${CMAKE_INSTALL_LIBDIR})
  set(_hiperf_rpath_bin "$ORIGIN/${_hiperf_bin_to_lib}")
  set(_hiperf_rpath_prov "$ORIGIN/..")
endif()

# Exported names: hiperfcheck::headers and hiperfcheck::compat; in this tree
# the same names are aliases, so the package's function works here too.
set_target_properties(hiperf_headers PROPERTIES EXPORT_NAME headers)
set_target_properties(hiperf_compat PROPERTIES EXPORT_NAME compat)
add_library(hiperfcheck::headers ALIAS hiperf_headers)
add_library(hiperfcheck::compat ALIAS hiperf_compat)
add_executable(hiperfcheck::hiperfcheck ALIAS hiperfcheck)

install(TARGETS hiperf_headers hiperf_compat EXPORT hiperfcheckTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hiperf/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hiperf
        COMPONENT dev FILES_MATCHING PATTERN "*.h")

set_target_properties(hiperfcheck bench_refresh PROPERTIES INSTALL_RPATH "${_hiperf_rpath_bin}")
install(TARGETS hiperfcheck bench_refresh RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)

set_target_properties(hiperf_refprov PROPERTIES INSTALL_RPATH "${_hiperf_rpath_prov}")
install(TARGETS hiperf_refprov LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/hiperfcheck COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/provider/hiperf_refprov.mof
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/hiperfcheck COMPONENT runtime)

# The suite and the oracle's catalog.  The scenarios are globbed at install
# time, so a catalog edited after configuring installs as it is.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/hiperfcheck/scenarios
        COMPONENT runtime FILES_MATCHING PATTERN "*.scn")
install(FILES ${PROJECT_SOURCE_DIR}/oracle/requirements.txt
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hiperfcheck COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/ARCHITECTURE.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT doc)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT doc FILES_MATCHING PATTERN "*.md")

# The CMake package.
install(EXPORT hiperfcheckTargets NAMESPACE hiperfcheck:: DESTINATION ${HIPERF_CMAKE_INSTALL_DIR}
        FILE hiperfcheckTargets.cmake COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hiperfcheckConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/hiperfcheckConfig.cmake
  INSTALL_DESTINATION ${HIPERF_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/hiperfcheckConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/hiperfcheckConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/hiperfcheckConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/hiperfcheckFunctions.cmake
        DESTINATION ${HIPERF_CMAKE_INSTALL_DIR} COMPONENT dev)

# pkg-config: the headers and compat, for projects that do not use CMake.
# Relocatable: the prefix is found from the .pc file's own directory, so
# `cmake --install --prefix elsewhere` gives a correct file.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(HIPERF_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(HIPERF_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _hiperf_pc_up /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
  string(REGEX REPLACE "/$" "" _hiperf_pc_up "${_hiperf_pc_up}")
  set(HIPERF_PC_PREFIX "\${pcfiledir}/${_hiperf_pc_up}")
  set(HIPERF_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(HIPERF_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(HIPERF_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/hiperfcheck.pc.in ${PROJECT_BINARY_DIR}/hiperfcheck.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hiperfcheck.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# The function, for tests inside this tree (hiperfcheck::hiperfcheck is the
# alias above).
include(${PROJECT_SOURCE_DIR}/cmake/hiperfcheckFunctions.cmake)
