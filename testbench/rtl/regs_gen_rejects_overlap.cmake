# A register map with two registers at one address (STAT_DMA_ERR moved onto the ITR block's base)
# fails with exit 2 and names both: reads would otherwise silently return the other register.
file(READ ${JSON} spec)
string(REPLACE "\"name\": \"STAT_DMA_ERR\",\n          \"offset\": \"0x84\""
               "\"name\": \"STAT_DMA_ERR\",\n          \"offset\": \"0x40\"" spec "${spec}")
file(MAKE_DIRECTORY ${OUT})
file(WRITE ${OUT}/overlap.json "${spec}")
execute_process(COMMAND ${PYTHON} ${REGS_GEN} ${OUT}/overlap.json ${OUT}/gen
                RESULT_VARIABLE status ERROR_VARIABLE message)
if(NOT status EQUAL 2)
  message(FATAL_ERROR "expected exit 2, got ${status}: ${message}")
endif()
if(NOT message MATCHES "STAT_DMA_ERR at 0x40 overlaps ITR\\[0\\]\\.|ITR\\[0\\]\\.[A-Z_]+ at 0x40 overlaps STAT_DMA_ERR")
  message(FATAL_ERROR "unclear message: ${message}")
endif()
message(STATUS "rejected as expected: ${message}")
