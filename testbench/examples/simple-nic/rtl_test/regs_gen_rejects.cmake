# A device section whose role names a missing register fails with exit 2 and names the key.
file(READ ${JSON} spec)
string(REPLACE "\"cause\": \"ICR\"" "\"cause\": \"NO_SUCH_REG\"" spec "${spec}")
file(MAKE_DIRECTORY ${OUT})
file(WRITE ${OUT}/bad_role.json "${spec}")
execute_process(COMMAND ${PYTHON} ${REGS_GEN} ${OUT}/bad_role.json ${OUT}/gen
                RESULT_VARIABLE status ERROR_VARIABLE message)
if(NOT status EQUAL 2)
  message(FATAL_ERROR "expected exit 2, got ${status}: ${message}")
endif()
if(NOT message MATCHES "device.interrupts.cause: \"NO_SUCH_REG\" is not a register")
  message(FATAL_ERROR "unclear message: ${message}")
endif()
message(STATUS "rejected as expected: ${message}")
