# Imported targets for the libraries Debian ships without a CMake config: SystemC, libpcap and
# libdw.
# Used by nicsim's build and by the installed package (nicsimConfig.cmake), so both link the same.
include_guard(GLOBAL)

find_path(SYSTEMC_INCLUDE_DIR systemc.h REQUIRED)
find_library(SYSTEMC_LIBRARY systemc REQUIRED)
if(NOT TARGET systemc::systemc)
  add_library(systemc::systemc UNKNOWN IMPORTED)
  set_target_properties(systemc::systemc PROPERTIES
    IMPORTED_LOCATION ${SYSTEMC_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${SYSTEMC_INCLUDE_DIR}
    # libsystemc was built as C++17: its ABI check symbol must match (TOOLCHAIN.md pitfall 2).
    INTERFACE_COMPILE_DEFINITIONS SC_CPLUSPLUS=201703L
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()

find_path(PCAP_INCLUDE_DIR pcap/pcap.h REQUIRED)
find_library(PCAP_LIBRARY pcap REQUIRED)
if(NOT TARGET pcap::pcap)
  add_library(pcap::pcap UNKNOWN IMPORTED)
  set_target_properties(pcap::pcap PROPERTIES
    IMPORTED_LOCATION ${PCAP_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${PCAP_INCLUDE_DIR})
endif()

# libdw (elfutils) ships a pkg-config file only. The race report library links it privately, so
# a static nicsim::race_report still needs PkgConfig::LIBDW at the user's link.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBDW REQUIRED IMPORTED_TARGET libdw)
