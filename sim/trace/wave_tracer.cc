#include "sim/trace/wave_tracer.h"

#include <verilated.h>
#include <verilated_fst_c.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "gtkwave/fstapi.h"
#include "sim/output_file.h"

namespace nicsim::sim::trace {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

constexpr int kTraceLevels = 99;

}  // namespace

void enable_wave_tracing() { Verilated::defaultContextp()->traceEverOn(true); }

WaveTracer::WaveTracer(Device& device, WaveOptions options)
    : device_(device), options_(std::move(options)) {
  validate_wave_path(options_.path);
  if (!device_.context().calcUnusedSigs()) {  // what traceEverOn(true) sets
    throw std::logic_error("enable_wave_tracing() must run before the NIC model is built");
  }
  // Dump times are in the model's time precision (10^precision s).
  units_per_ps_divisor_ = 1;
  for (int p = device_.context().timeprecision(); p > -12; --p) units_per_ps_divisor_ *= 10;

  const bool vcd = ends_with(options_.path, ".vcd");
  if (options_.ring_us > 0) {
    chunk_paths_[0] = options_.path + ".ring0.fst";
    chunk_paths_[1] = options_.path + ".ring1.fst";
    fst_path_ = chunk_paths_[0];
  } else {
    output_ = std::make_unique<OutputFile>(options_.path);
    fst_path_ = vcd ? options_.path + ".tmp.fst" : output_->write_path();
  }
  open_chunk(0);
}

WaveTracer::~WaveTracer() {
  try {
    finish();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nicsim: wave not completed: %s\n", e.what());
  }
}

void WaveTracer::open_chunk(uint64_t time_ps) {
  fst_ = std::make_unique<VerilatedFstC>();
  device_.trace(*fst_, kTraceLevels);
  fst_->open(fst_path_.c_str());
  if (!fst_->isOpen()) throw std::runtime_error("cannot write wave file '" + fst_path_ + "'");
  chunk_start_ps_ = time_ps;
  dumped_any_ = false;
}

void WaveTracer::close_trace() {
  if (fst_) fst_->close();
  fst_.reset();
}

void WaveTracer::dump(uint64_t time_ps) {
  if (time_ps < options_.window_start_ps) return;
  if (time_ps > options_.window_end_ps) {
    tracing_ = false;  // past the window: nothing more to write
    close_trace();
    return;
  }
  if (options_.ring_us > 0 && dumped_any_ &&
      time_ps >= chunk_start_ps_ + options_.ring_us * 1000000) {
    close_trace();
    previous_chunk_valid_ = true;
    previous_chunk_start_ps_ = chunk_start_ps_;
    chunk_ = 1 - chunk_;
    fst_path_ = chunk_paths_[chunk_];
    open_chunk(time_ps);
  }
  if (dumped_any_ && time_ps <= last_dump_ps_) time_ps = last_dump_ps_ + 1;
  fst_->dump(time_ps / units_per_ps_divisor_);
  last_dump_ps_ = time_ps;
  dumped_any_ = true;
}

void WaveTracer::on_edge(uint64_t time_ps) {
  if (!tracing_) return;
  if (before_edge_dump_ && before_edge_dump_()) device_.settle();
  dump(time_ps);
}

void WaveTracer::on_host_change(uint64_t time_ps) {
  if (!tracing_) return;
  device_.settle();  // settles the probe wires; the clock is unchanged, so the NIC's state is too
  dump(time_ps);
}

void WaveTracer::on_first_error(uint64_t /*time_ps*/) {
  if (options_.ring_us == 0 || !tracing_) return;
  tracing_ = false;
  close_trace();
  write_ring();
}

bool WaveTracer::write_ring() {
  std::vector<std::string> chunks;
  if (previous_chunk_valid_) chunks.push_back(chunk_paths_[1 - chunk_]);
  chunks.push_back(chunk_paths_[chunk_]);
  ring_from_ps_ = previous_chunk_valid_ ? previous_chunk_start_ps_ : chunk_start_ps_;
  OutputFile output(options_.path);
  if (ends_with(options_.path, ".vcd")) {
    const std::string merged = options_.path + ".tmp.fst";
    concatenate_fst(chunks, merged);
    fst_to_vcd(merged, output.write_path());
    std::filesystem::remove(merged);
  } else {
    concatenate_fst(chunks, output.write_path());
  }
  for (const auto& chunk : chunk_paths_) std::filesystem::remove(chunk);
  if (auto error = output.commit(); !error.empty()) throw std::runtime_error(error);
  written_path_ = options_.path;
  return true;
}

bool WaveTracer::finish() {
  if (finished_) return !written_path_.empty();
  finished_ = true;
  tracing_ = false;
  close_trace();
  if (options_.ring_us > 0) {
    // No error happened: the ring is dropped (written_path_ stays empty).
    for (const auto& chunk : chunk_paths_) std::filesystem::remove(chunk);
    return !written_path_.empty();
  }
  if (ends_with(options_.path, ".vcd")) {
    fst_to_vcd(fst_path_, output_->write_path());
    std::filesystem::remove(fst_path_);
  }
  if (auto error = output_->commit(); !error.empty()) throw std::runtime_error(error);
  written_path_ = options_.path;
  return true;
}

void fst_to_vcd(const std::string& fst_path, const std::string& vcd_path) {
  void* reader = fstReaderOpen(fst_path.c_str());
  if (!reader) throw std::runtime_error("cannot read FST file '" + fst_path + "'");
  FILE* vcd = std::fopen(vcd_path.c_str(), "w");
  if (!vcd) {
    fstReaderClose(reader);
    throw std::runtime_error("cannot write VCD file '" + vcd_path + "'");
  }
  fstReaderProcessHier(reader, vcd);
  fstReaderSetFacProcessMaskAll(reader);  // after the hierarchy, which sizes the mask
  fstReaderIterBlocks(reader, nullptr, nullptr, vcd);
  const bool write_failed = std::ferror(vcd) != 0;
  std::fclose(vcd);
  fstReaderClose(reader);
  if (write_failed) throw std::runtime_error("error writing VCD file '" + vcd_path + "'");
}

namespace {

struct MergeState {
  void* writer;
  std::map<fstHandle, fstHandle> handles;  // reader handle -> writer handle
  uint64_t time = 0;
  bool any = false;
};

void copy_value(void* user, uint64_t time, fstHandle reader_handle, const unsigned char* value) {
  auto& state = *static_cast<MergeState*>(user);
  if (!state.any || time > state.time) {
    fstWriterEmitTimeChange(state.writer, time);
    state.time = time;
    state.any = true;
  }
  const auto it = state.handles.find(reader_handle);
  if (it != state.handles.end()) fstWriterEmitValueChange(state.writer, it->second, value);
}

}  // namespace

void concatenate_fst(const std::vector<std::string>& inputs, const std::string& output) {
  if (inputs.empty()) throw std::invalid_argument("no FST files to concatenate");
  void* first = fstReaderOpen(inputs.front().c_str());
  if (!first) throw std::runtime_error("cannot read FST file '" + inputs.front() + "'");
  void* writer = fstWriterCreate(output.c_str(), 1);
  if (!writer) {
    fstReaderClose(first);
    throw std::runtime_error("cannot write FST file '" + output + "'");
  }
  fstWriterSetTimescale(writer, fstReaderGetTimescale(first));
  MergeState state{writer, {}};
  // The chunks are one trace: the first one's hierarchy is every chunk's hierarchy.
  while (const fstHier* h = fstReaderIterateHier(first)) {
    switch (h->htyp) {
      case FST_HT_SCOPE:
        fstWriterSetScope(writer, static_cast<fstScopeType>(h->u.scope.typ), h->u.scope.name,
                          h->u.scope.component);
        break;
      case FST_HT_UPSCOPE:
        fstWriterSetUpscope(writer);
        break;
      case FST_HT_VAR: {
        const fstHandle alias = h->u.var.is_alias ? state.handles[h->u.var.handle] : 0;
        const fstHandle created = fstWriterCreateVar(writer, static_cast<fstVarType>(h->u.var.typ),
                                                     static_cast<fstVarDir>(h->u.var.direction),
                                                     h->u.var.length, h->u.var.name, alias);
        if (!h->u.var.is_alias) state.handles[h->u.var.handle] = created;
        break;
      }
      default:
        break;  // attributes (enum tables) are not needed to read the values
    }
  }
  fstReaderClose(first);
  for (const auto& input : inputs) {
    void* reader = fstReaderOpen(input.c_str());
    if (!reader) {
      fstWriterClose(writer);
      throw std::runtime_error("cannot read FST file '" + input + "'");
    }
    fstReaderSetFacProcessMaskAll(reader);
    fstReaderIterBlocks(reader, copy_value, &state, nullptr);
    fstReaderClose(reader);
  }
  fstWriterClose(writer);
}

}  // namespace nicsim::sim::trace
