# Writes OUTPUT, a C++ source defining `extern const char SYMBOL[]` (in NAMESPACE) as the text of
# INPUT, so an executable carries a generated file (a resolved device description) instead of
# reading it from the build tree at run time.
#   cmake -DINPUT=in.json -DOUTPUT=out.cc -DNAMESPACE=nicsim::rtl -DSYMBOL=kText -P embed_text.cmake
file(READ "${INPUT}" text)
if(text MATCHES "\\)nicsim_embed\"")
  message(FATAL_ERROR "${INPUT} holds the raw-string delimiter )nicsim_embed\"")
endif()
get_filename_component(name "${INPUT}" NAME)
set(code "// Generated from ${name} by cmake/embed_text.cmake. Do not edit.\n")
string(APPEND code "namespace ${NAMESPACE} {\n")
string(APPEND code "extern const char ${SYMBOL}[];\n")
string(APPEND code "const char ${SYMBOL}[] = R\"nicsim_embed(${text})nicsim_embed\";\n")
string(APPEND code "}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUTPUT}.tmp" "${code}")
# Only a changed text rebuilds what includes it.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
