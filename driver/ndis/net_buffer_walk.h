// Reading a NET_BUFFER's data through its MDL chain, as NDIS defines it: DataLength bytes from
// CurrentMdl at CurrentMdlOffset. Shared by the NDIS layer and the testbench's protocol.
#pragma once

#include <ndis.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace nicsim::ndis {

// Calls visit(pointer, bytes) for each contiguous piece; false when the chain is shorter than
// DataLength.
template <typename Visit>
bool for_each_net_buffer_piece(const NET_BUFFER* nb, Visit visit) {
  ULONG remaining = nb->DataLength;
  ULONG offset = nb->CurrentMdlOffset;
  for (const MDL* mdl = nb->CurrentMdl; mdl && remaining > 0; mdl = mdl->Next, offset = 0) {
    if (offset >= mdl->ByteCount) continue;
    const ULONG take = std::min<ULONG>(remaining, mdl->ByteCount - offset);
    visit(static_cast<const uint8_t*>(mdl->MappedSystemVa) + offset, take);
    remaining -= take;
  }
  return remaining == 0;
}

inline std::vector<uint8_t> copy_net_buffer(const NET_BUFFER* nb) {
  std::vector<uint8_t> data;
  data.reserve(nb->DataLength);
  for_each_net_buffer_piece(nb,
                            [&](const uint8_t* p, ULONG n) { data.insert(data.end(), p, p + n); });
  return data;
}

// Sets CurrentMdl and CurrentMdlOffset from MdlChain and DataOffset; false past the chain's end.
inline bool locate_net_buffer_data(NET_BUFFER* nb) {
  ULONG offset = nb->DataOffset;
  for (MDL* mdl = nb->MdlChain; mdl; mdl = mdl->Next) {
    if (offset < mdl->ByteCount || (offset == 0 && mdl->Next == nullptr)) {
      nb->CurrentMdl = mdl;
      nb->CurrentMdlOffset = offset;
      return true;
    }
    offset -= mdl->ByteCount;
  }
  nb->CurrentMdl = nullptr;
  nb->CurrentMdlOffset = 0;
  return nb->DataLength == 0;
}

}  // namespace nicsim::ndis
