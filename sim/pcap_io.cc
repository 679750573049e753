#include "sim/pcap_io.h"

#include <pcap/pcap.h>

#include <stdexcept>

namespace nicsim::sim {

std::vector<std::vector<uint8_t>> read_pcap(const std::string& path) {
  char error[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = pcap_open_offline(path.c_str(), error);
  if (!pcap) throw std::runtime_error("cannot read pcap file '" + path + "': " + error);
  std::vector<std::vector<uint8_t>> frames;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int status;
  while ((status = pcap_next_ex(pcap, &header, &data)) == 1) {
    frames.emplace_back(data, data + header->caplen);
  }
  if (status == PCAP_ERROR) {
    std::string reason = pcap_geterr(pcap);
    pcap_close(pcap);
    throw std::runtime_error("bad pcap file '" + path + "': " + reason);
  }
  pcap_close(pcap);
  return frames;
}

PcapWriter::PcapWriter(const std::string& path) {
  pcap_ = pcap_open_dead(DLT_EN10MB, 65535);
  if (!pcap_) throw std::runtime_error("libpcap: cannot create a capture handle");
  dumper_ = pcap_dump_open(pcap_, path.c_str());
  if (!dumper_) {
    std::string reason = pcap_geterr(pcap_);
    pcap_close(pcap_);
    throw std::runtime_error("cannot write pcap file '" + path + "': " + reason);
  }
}

PcapWriter::~PcapWriter() {
  pcap_dump_close(dumper_);
  pcap_close(pcap_);
}

void PcapWriter::write(std::span<const uint8_t> frame, uint64_t time_ps) {
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(time_ps / 1'000'000'000'000ull);
  header.ts.tv_usec = static_cast<suseconds_t>(time_ps / 1'000'000ull % 1'000'000ull);
  header.caplen = header.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame.data());
  ++frames_;
}

}  // namespace nicsim::sim
