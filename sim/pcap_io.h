// pcap files through libpcap: read every packet of a capture, write frames with timestamps
// (DLT_EN10MB). Errors are std::runtime_error with libpcap's reason and the path.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

namespace nicsim::sim {

std::vector<std::vector<uint8_t>> read_pcap(const std::string& path);

class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void write(std::span<const uint8_t> frame, uint64_t time_ps);
  uint64_t frames() const { return frames_; }

 private:
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  uint64_t frames_ = 0;
};

}  // namespace nicsim::sim
