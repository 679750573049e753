#include "sim/pcap_io.h"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "sim/output_file.h"

namespace nicsim::sim {
namespace {

pcap_t* open_capture(const std::string& path) {
  char error[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = pcap_open_offline(path.c_str(), error);
  if (!pcap) throw std::runtime_error("cannot read pcap file '" + path + "': " + error);
  return pcap;
}

// libpcap maps the file's LINKTYPE_ number to its DLT_ (LINKTYPE_RAW 101 becomes DLT_RAW 12) and
// keeps no copy: a classic pcap header has the number at byte 20, in the file's byte order.
int file_link_type(const std::string& path, int dlt) {
  std::ifstream in(path, std::ios::binary);
  unsigned char header[24] = {};
  if (!in.read(reinterpret_cast<char*>(header), sizeof(header))) return dlt;
  auto le32 = [&](int at) {
    return static_cast<uint32_t>(header[at]) | static_cast<uint32_t>(header[at + 1]) << 8 |
           static_cast<uint32_t>(header[at + 2]) << 16 |
           static_cast<uint32_t>(header[at + 3]) << 24;
  };
  auto be32 = [&](int at) {
    return static_cast<uint32_t>(header[at]) << 24 | static_cast<uint32_t>(header[at + 1]) << 16 |
           static_cast<uint32_t>(header[at + 2]) << 8 | static_cast<uint32_t>(header[at + 3]);
  };
  const uint32_t magic = le32(0);
  if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) return static_cast<int>(le32(20) & 0xffffu);
  if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) return static_cast<int>(be32(20) & 0xffffu);
  return dlt;  // pcapng: the number is per interface; libpcap's DLT_ is what we have
}

}  // namespace

std::vector<std::vector<uint8_t>> read_pcap(const std::string& path) {
  pcap_t* pcap = open_capture(path);
  std::vector<std::vector<uint8_t>> frames;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int status;
  while ((status = pcap_next_ex(pcap, &header, &data)) == 1) {
    if (header->caplen == 0) {
      pcap_close(pcap);
      throw std::runtime_error("record " + std::to_string(frames.size() + 1) +
                               " has caplen 0 (no captured bytes)");
    }
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

PcapCheck check_pcap(const std::string& path) {
  pcap_t* pcap = open_capture(path);
  PcapCheck check;
  const int dlt = pcap_datalink(pcap);
  check.ethernet = dlt == DLT_EN10MB;
  check.link_type = file_link_type(path, dlt);
  if (const char* name = pcap_datalink_val_to_name(dlt)) check.link_type_name = name;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int status;
  while ((status = pcap_next_ex(pcap, &header, &data)) == 1) {
    ++check.records;
    if (header->caplen == 0 && check.first_empty_record == 0)
      check.first_empty_record = check.records;
    if (header->caplen < header->len) ++check.truncated;
  }
  if (status == PCAP_ERROR) {
    std::string reason = pcap_geterr(pcap);
    pcap_close(pcap);
    throw std::runtime_error("bad pcap file '" + path + "': " + reason);
  }
  pcap_close(pcap);
  return check;
}

PcapWriter::PcapWriter(const std::string& path) : file_(std::make_unique<OutputFile>(path)) {
  pcap_ = pcap_open_dead(DLT_EN10MB, 65535);
  if (!pcap_) throw std::runtime_error("libpcap: cannot create a capture handle");
  dumper_ = pcap_dump_open(pcap_, file_->write_path().c_str());
  if (!dumper_) {
    std::string reason = pcap_geterr(pcap_);
    pcap_close(pcap_);
    throw std::runtime_error("cannot write pcap file '" + path + "': " + reason);
  }
}

PcapWriter::~PcapWriter() { close(); }

std::string PcapWriter::close() {
  if (!dumper_) return "";
  // pcap_dump_close() reports nothing: flush and check the stream first.
  std::string error;
  if (pcap_dump_flush(dumper_) != 0 || std::ferror(pcap_dump_file(dumper_))) {
    if (write_errno_) errno = write_errno_;  // the first failure's reason; a flush may not redo it
    error = errno_message(file_->path(), "write error");
  }
  pcap_dump_close(dumper_);
  pcap_close(pcap_);
  dumper_ = nullptr;
  pcap_ = nullptr;
  if (!error.empty()) {
    file_->discard();
    return error;
  }
  return file_->commit();
}

void PcapWriter::write(std::span<const uint8_t> frame, uint64_t time_ps) {
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(time_ps / 1'000'000'000'000ull);
  header.ts.tv_usec = static_cast<suseconds_t>(time_ps / 1'000'000ull % 1'000'000ull);
  header.caplen = header.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame.data());
  if (!write_errno_ && std::ferror(pcap_dump_file(dumper_))) write_errno_ = errno ? errno : EIO;
  ++frames_;
}

}  // namespace nicsim::sim
