# Writes OUTPUT, a C++ file defining `const std::string& FUNCTION()` that returns the bytes of
# INPUT, so that a file the project also ships (the policy schema) exists in one copy only.
#   cmake -DINPUT=schema.json -DOUTPUT=schema.cpp -DFUNCTION=divert::policy_schema_json
#         -DHEADER=core/authoring/policy_schema.hpp -P embed_text.cmake
foreach(var INPUT OUTPUT FUNCTION HEADER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_text.cmake: ${var} is not set")
  endif()
endforeach()
file(READ "${INPUT}" content)
# A raw string literal ends at its delimiter; the text must not contain it.
string(FIND "${content}" ")embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "embed_text.cmake: ${INPUT} contains ')embedded\"'")
endif()
string(REGEX REPLACE "::[^:]*$" "" namespace "${FUNCTION}")
string(REGEX REPLACE "^.*::" "" name "${FUNCTION}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/embed_text.cmake: edit that file, not this one.\n"
  "#include \"${HEADER}\"\n\n"
  "namespace ${namespace} {\n\n"
  "const std::string& ${name}() {\n"
  "  static const std::string k_text = R\"embedded(${content})embedded\";\n"
  "  return k_text;\n"
  "}\n\n"
  "} // namespace ${namespace}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
