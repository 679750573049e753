# nicsim_add_cosim: one co-simulation executable, with nicsim's whole command line, from a NIC's
# RTL, its device description and its driver (sim/DEVICE_CONTRACT.md, README "Bring your own
# NIC"). Included by nicsimConfig.cmake after find_package(nicsim), and by nicsim's own build,
# which makes the `nicsim` program of the reference NIC and miniport with it.
#
# nicsim_add_cosim(NAME <program>
#   RTL_TOP <top module>
#   RTL_SOURCES <sv files>... | RTL_FILELIST <file.f: one source per line, relative to it>
#   | RTL_MODEL <a library you verilated yourself, with PREFIX V<top> and TRACE_FST>
#   [RTL_ARGS <more verilator arguments, e.g. a .vlt waiver file>...]
#   DEVICE_DESCRIPTION <register map JSON with its device section>
#   DRIVER_SOURCES <C or C++ files>... | DRIVER_LIBRARY <target>
#   SCENARIOS <scenarios JSON>)
#
# The register map generator writes <name>_regs_pkg.sv (compiled before RTL_SOURCES),
# <name>_regs_c.h and <name>_regs.h (on the driver's include path) into the build tree. The
# driver defines DriverEntry and, if it has bug variants, NicsimDriverBugs (<nicsim_driver_bugs.h>).
# Expects NICSIM_REGS_GEN, NICSIM_EMBED_TEXT, NICSIM_HOST_PROBES_SV, NICSIM_VERILATED_OUTPUT_H and
# the nicsim:: targets.

set(NICSIM_COSIM_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/nicsim_design.cc.in)

# Race checking (README "Race detection"): driver code is compiled with the compiler's
# -fsanitize=thread instrumentation, and nicsim's runtime (driver/ndis/race) answers its hooks
# with the simulated CPUs' happens-before. Only compile flags: the program never links libtsan.
# Off under NICSIM_SANITIZE and NICSIM_FUZZ, whose AddressSanitizer cannot share a translation
# unit with it.
if(NICSIM_SANITIZE OR NICSIM_FUZZ)
  set(NICSIM_RACE_INSTRUMENTATION OFF)
endif()
option(NICSIM_RACE_INSTRUMENTATION "Instrument driver code for nicsim's race checker" ON)
function(nicsim_instrument_driver target)
  get_target_property(imported ${target} IMPORTED)
  if(NOT NICSIM_RACE_INSTRUMENTATION OR imported)
    return()
  endif()
  # Volatile accesses are marked accesses (as READ_ONCE/WRITE_ONCE are to KCSAN), not races.
  if(CMAKE_C_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(${target} PRIVATE -fsanitize=thread
                                             "SHELL:-mllvm -tsan-distinguish-volatile=1")
  else()
    target_compile_options(${target} PRIVATE -fsanitize=thread
                                             "SHELL:--param tsan-distinguish-volatile=1")
  endif()
endfunction()

# A Verilated library keeps the compile options of the directory it is defined in, except the
# sanitizers of NICSIM_SANITIZE and the gcov of NICSIM_COVERAGE (both empty outside nicsim's own
# build): the model is not sanitized, and Verilator's --coverage measures it instead of gcov.
function(nicsim_unsanitized target)
  get_target_property(options ${target} COMPILE_OPTIONS)
  if(options AND (NICSIM_SANITIZE_OPTIONS OR NICSIM_COVERAGE_OPTIONS))
    list(REMOVE_ITEM options ${NICSIM_SANITIZE_OPTIONS} ${NICSIM_COVERAGE_OPTIONS})
    set_target_properties(${target} PROPERTIES COMPILE_OPTIONS "${options}")
  endif()
endfunction()

# Verilator's arguments for every co-simulated model: fast, with the design's assertions in.
set(NICSIM_VERILATOR_ARGS -O3 --x-assign fast --x-initial fast --assert -Wno-fatal)
# The coverage preset: line, toggle and user (cover statement) points, written by --coverage DIR.
if(NICSIM_COVERAGE)
  list(APPEND NICSIM_VERILATOR_ARGS --coverage)
endif()

# Routes what a model prints through sim/verilated_output.h (NICSIM_VERILATED_OUTPUT_H), so that an
# assertion that fails in it becomes an RTL_ASSERTION finding naming the assertion.
function(nicsim_capture_verilated_output target)
  target_compile_definitions(${target} PRIVATE VL_PRINTF=nicsim_verilated_printf)
  target_compile_options(${target} PRIVATE "SHELL:-include ${NICSIM_VERILATED_OUTPUT_H}")
endfunction()

# A .f file lists one source per line relative to the file; // starts a comment. Editing it
# re-runs CMake (Verilator's file list is made at configure time).
function(nicsim_read_filelist filelist out_var)
  get_filename_component(list_dir ${filelist} DIRECTORY)
  file(STRINGS ${filelist} lines)
  set(sources)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "//.*" "" line "${line}")
    string(STRIP "${line}" line)
    if(line)
      list(APPEND sources ${list_dir}/${line})
    endif()
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${filelist})
  set(${out_var} ${sources} PARENT_SCOPE)
endfunction()

function(nicsim_add_cosim)
  cmake_parse_arguments(PARSE_ARGV 0 ARG ""
    "NAME;RTL_TOP;RTL_FILELIST;RTL_MODEL;DEVICE_DESCRIPTION;DRIVER_LIBRARY;SCENARIOS"
    "RTL_SOURCES;RTL_ARGS;DRIVER_SOURCES")
  foreach(required NAME RTL_TOP DEVICE_DESCRIPTION SCENARIOS)
    if(NOT ARG_${required})
      message(FATAL_ERROR "nicsim_add_cosim: ${required} is required")
    endif()
  endforeach()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "nicsim_add_cosim(${ARG_NAME}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_DRIVER_SOURCES AND NOT ARG_DRIVER_LIBRARY)
    message(FATAL_ERROR "nicsim_add_cosim(${ARG_NAME}): DRIVER_SOURCES or DRIVER_LIBRARY is required")
  endif()
  if(NOT ARG_RTL_SOURCES AND NOT ARG_RTL_FILELIST AND NOT ARG_RTL_MODEL)
    message(FATAL_ERROR
      "nicsim_add_cosim(${ARG_NAME}): RTL_SOURCES, RTL_FILELIST or RTL_MODEL is required")
  endif()
  foreach(file DEVICE_DESCRIPTION SCENARIOS RTL_FILELIST)
    if(ARG_${file})
      get_filename_component(ARG_${file} ${ARG_${file}} ABSOLUTE)
      if(NOT EXISTS ${ARG_${file}})
        message(FATAL_ERROR "nicsim_add_cosim(${ARG_NAME}): ${file} ${ARG_${file}} does not exist")
      endif()
    endif()
  endforeach()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.nicsim)

  # The register map: generated now (Verilator reads the package at configure time) and again
  # whenever the description changes.
  file(READ ${ARG_DEVICE_DESCRIPTION} spec)
  string(JSON device_name ERROR_VARIABLE json_error GET "${spec}" name)
  if(json_error)
    message(FATAL_ERROR "nicsim_add_cosim(${ARG_NAME}): ${ARG_DEVICE_DESCRIPTION}: ${json_error}")
  endif()
  set(regs ${out}/regs)
  set(regs_outputs ${regs}/${device_name}_regs_pkg.sv ${regs}/${device_name}_regs.h
                   ${regs}/${device_name}_regs_c.h ${regs}/${device_name}_regs.md
                   ${regs}/${device_name}_device.json)
  set(regs_command ${Python3_EXECUTABLE} ${NICSIM_REGS_GEN} ${ARG_DEVICE_DESCRIPTION} ${regs})
  execute_process(COMMAND ${regs_command} RESULT_VARIABLE regs_result)
  if(NOT regs_result EQUAL 0)
    message(FATAL_ERROR "nicsim_add_cosim(${ARG_NAME}): the device description is invalid (above)")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_DEVICE_DESCRIPTION})
  add_custom_command(OUTPUT ${regs_outputs} COMMAND ${regs_command}
                     DEPENDS ${ARG_DEVICE_DESCRIPTION} ${NICSIM_REGS_GEN}
                     COMMENT "Generating ${device_name}'s register map")
  add_custom_target(${ARG_NAME}_regs DEPENDS ${regs_outputs})
  add_library(${ARG_NAME}_regs_headers INTERFACE)
  target_include_directories(${ARG_NAME}_regs_headers INTERFACE ${regs})
  add_dependencies(${ARG_NAME}_regs_headers ${ARG_NAME}_regs)

  # The device model: its own library, so a driver change does not re-verilate it.
  set(model_class V${ARG_RTL_TOP})
  if(ARG_RTL_MODEL)
    set(model ${ARG_RTL_MODEL})
  else()
    set(rtl_sources ${ARG_RTL_SOURCES})
    if(ARG_RTL_FILELIST)
      nicsim_read_filelist(${ARG_RTL_FILELIST} listed)
      list(APPEND rtl_sources ${listed})
    endif()
    set(model ${ARG_NAME}_model)
    add_library(${model} STATIC)
    nicsim_unsanitized(${model})
    # The host probes are a second top level (no --top-module): the model gets the design's
    # ports and the host_* inputs, and the wave shows the CPUs beside the RTL for any design.
    # So the sources must hold no other uninstantiated module.
    verilate(${model} TRACE_FST
      SOURCES ${regs}/${device_name}_regs_pkg.sv ${rtl_sources} ${NICSIM_HOST_PROBES_SV}
      PREFIX ${model_class}
      VERILATOR_ARGS ${NICSIM_VERILATOR_ARGS} -Wno-MULTITOP ${ARG_RTL_ARGS})
    nicsim_capture_verilated_output(${model})
    # Generated code and the Verilator runtime: not the design's warnings to fix.
    target_compile_options(${model} PRIVATE -w)
    target_include_directories(${model} SYSTEM PUBLIC
      ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${model}.dir/${model_class}.dir)
    target_link_libraries(${model} PUBLIC nicsim::verilated_api)
    add_dependencies(${model} ${ARG_NAME}_regs)
  endif()

  # The driver: objects, so everything it defines (DriverEntry, its bug table) is linked.
  if(ARG_DRIVER_SOURCES)
    set(driver ${ARG_NAME}_driver)
    add_library(${driver} OBJECT ${ARG_DRIVER_SOURCES})
    target_link_libraries(${driver} PUBLIC nicsim::ndis_api ${ARG_NAME}_regs_headers)
  else()
    set(driver ${ARG_DRIVER_LIBRARY})
  endif()
  nicsim_instrument_driver(${driver})

  # The registration, with the resolved description and the scenarios embedded.
  set(NICSIM_MODEL_CLASS ${model_class})
  configure_file(${NICSIM_COSIM_TEMPLATE} ${out}/design.cc @ONLY)
  set(embedded)
  foreach(pair "${regs}/${device_name}_device.json;kDeviceJson"
               "${ARG_SCENARIOS};kScenariosJson")
    list(GET pair 0 input)
    list(GET pair 1 symbol)
    add_custom_command(
      OUTPUT ${out}/${symbol}.cc
      COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${out}/${symbol}.cc
              -DNAMESPACE=nicsim_design -DSYMBOL=${symbol} -P ${NICSIM_EMBED_TEXT}
      DEPENDS ${input} ${NICSIM_EMBED_TEXT}
      COMMENT "Embedding ${input}")
    list(APPEND embedded ${out}/${symbol}.cc)
  endforeach()

  add_executable(${ARG_NAME} ${out}/design.cc ${embedded})
  target_link_libraries(${ARG_NAME} PRIVATE nicsim::cli ${driver} ${model})
  # The registered JSON is parsed at start-up: a bad one fails the build, not the first run.
  add_custom_command(TARGET ${ARG_NAME} POST_BUILD
                     COMMAND $<TARGET_FILE:${ARG_NAME}> --list-scenarios > /dev/null
                     COMMENT "Checking ${ARG_NAME}'s scenarios and device description")
endfunction()
