# `cmake --install build --prefix P`: nicsim's libraries, headers and the CMake package that
# find_package(nicsim CONFIG) loads, with nicsim_add_cosim (README "Bring your own NIC").
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NICSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/nicsim)
set(NICSIM_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/nicsim)

# Exported as nicsim::<name without the nicsim_ prefix>.
set(NICSIM_EXPORTED nicsim_cli nicsim_ndis nicsim_ndis_api nicsim_sim nicsim_axi_lite nicsim_trace nicsim_waves
                    nicsim_timeline nicsim_device_description nicsim_verilated_api nicsim_race_report
                    nicsim_output_file nicsim_functional_coverage nicsim_rule_catalogue)
foreach(target IN LISTS NICSIM_EXPORTED)
  string(REPLACE "nicsim_" "" short ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${short})
endforeach()
# A coverage build's libraries call gcov: whoever links them links libgcov too.
if(NICSIM_COVERAGE)
  foreach(target IN LISTS NICSIM_EXPORTED)
    target_link_options(${target} INTERFACE --coverage)
  endforeach()
endif()
install(TARGETS ${NICSIM_EXPORTED} EXPORT nicsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/nicsim)
install(EXPORT nicsimTargets NAMESPACE nicsim:: DESTINATION ${NICSIM_INSTALL_CMAKEDIR})

# Headers keep their paths: "sim/device.h" and "testbench/cli/design.h" under include/nicsim,
# and the WDK-shaped <ndis.h> on its own under include/nicsim/wdk (a driver sees only that).
foreach(dir sim sim/monitors sim/trace driver/ndis driver/ndis/race testbench/cli)
  file(GLOB headers ${PROJECT_SOURCE_DIR}/${dir}/*.h)
  install(FILES ${headers} DESTINATION ${NICSIM_INSTALL_INCLUDEDIR}/${dir})
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/driver/ndis/include/ DESTINATION ${NICSIM_INSTALL_INCLUDEDIR}/wdk)
install(FILES ${PROJECT_SOURCE_DIR}/sim/DEVICE_CONTRACT.md ${PROJECT_SOURCE_DIR}/driver/ndis/RULES.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/nicsim)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/rtl/regs/regs_gen.py DESTINATION ${CMAKE_INSTALL_DATADIR}/nicsim)
install(FILES ${PROJECT_SOURCE_DIR}/sim/trace/nicsim_host_probes.sv DESTINATION ${CMAKE_INSTALL_DATADIR}/nicsim)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/nicsimConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/nicsimConfig.cmake
                              INSTALL_DESTINATION ${NICSIM_INSTALL_CMAKEDIR}
                              PATH_VARS CMAKE_INSTALL_DATADIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/nicsimConfigVersion.cmake
                                 VERSION 0.2.0 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nicsimConfig.cmake ${PROJECT_BINARY_DIR}/nicsimConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/nicsim_dependencies.cmake
              ${PROJECT_SOURCE_DIR}/cmake/nicsim_cosim.cmake
              ${PROJECT_SOURCE_DIR}/cmake/nicsim_design.cc.in
              ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
        DESTINATION ${NICSIM_INSTALL_CMAKEDIR})

# The reference program and the sweep beside it: bin/nicsim-sweep runs bin/nicsim unless told
# another (README "Sweeps").
install(TARGETS nicsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/sweep.py DESTINATION ${CMAKE_INSTALL_BINDIR}
        RENAME nicsim-sweep)
