// What every C entry point behind <ndis.h> needs: the installed Kernel, and the driver's call
// site from the macro's NICSIM_CALL_SITE_PARAMS. For the *_api.cc files only.
#pragma once

#include "driver/ndis/call_site.h"
#include "driver/ndis/kernel.h"

namespace nicsim::ndis::api {
inline Kernel& K() { return Kernel::current(); }
inline CallSite At(const char* file, int line, const char* function) {
  return {file, static_cast<unsigned>(line), function};
}
}  // namespace nicsim::ndis::api

// Inside a Nicsim* entry point: the CallSite its caller passed.
#define WHERE ::nicsim::ndis::api::At(NicsimFile, NicsimLine, NicsimFunction)
