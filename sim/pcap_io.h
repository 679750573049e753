// pcap files through libpcap: read every packet of a capture, write frames with timestamps
// (DLT_EN10MB). Errors are std::runtime_error with libpcap's reason and the path.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

namespace nicsim::sim {

// Every record's captured bytes. Throws on a file libpcap cannot read and on a record with
// caplen 0 (an empty frame is no frame), naming the record.
std::vector<std::vector<uint8_t>> read_pcap(const std::string& path);

// What a capture holds, for checking it before a run: records, those captured shorter than they
// were on the wire, and the first empty one (0: none).
struct PcapCheck {
  int link_type = 0;           // the file's LINKTYPE_ number (its header), or libpcap's DLT_
  std::string link_type_name;  // libpcap's name for it, e.g. "EN10MB", "RAW"
  bool ethernet = false;
  uint64_t records = 0, truncated = 0;
  uint64_t first_empty_record = 0;  // 1-based
};
// Throws std::runtime_error with libpcap's reason when the file is not a readable capture.
PcapCheck check_pcap(const std::string& path);

class OutputFile;

class PcapWriter {
 public:
  // Writes under a temporary name (sim/output_file.h) until close().
  explicit PcapWriter(const std::string& path);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void write(std::span<const uint8_t> frame, uint64_t time_ps);
  uint64_t frames() const { return frames_; }
  // Flushes, closes and renames the file onto its name: "" or the error naming it and errno.
  std::string close();

 private:
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  std::unique_ptr<OutputFile> file_;
  uint64_t frames_ = 0;
  int write_errno_ = 0;  // of the first failed write
};

}  // namespace nicsim::sim
