#include "sim/device_description.h"

#include <fstream>
#include <limits>

namespace nicsim::sim {
namespace {

// Reads resolved[key...] naming the whole path in errors ("interrupts.rings[2].size").
class Reader {
 public:
  Reader(const nlohmann::json& node, std::string path) : node_(node), path_(std::move(path)) {}

  bool has(const char* key) const { return node_.is_object() && node_.contains(key); }

  Reader at(const char* key) const {
    if (!has(key)) fail(path_, "lacks the required key \"" + std::string(key) + "\"");
    return Reader(node_.at(key), join(key));
  }
  std::vector<Reader> items() const {
    if (!node_.is_array()) fail(path_, "is not a list");
    std::vector<Reader> out;
    for (size_t i = 0; i < node_.size(); ++i) {
      out.emplace_back(node_.at(i), path_ + "[" + std::to_string(i) + "]");
    }
    return out;
  }
  uint32_t u32() const {
    if (!node_.is_number_unsigned() ||
        node_.get<uint64_t>() > std::numeric_limits<uint32_t>::max()) {
      fail(path_, node_.dump() + " is not a 32-bit unsigned number");
    }
    return node_.get<uint32_t>();
  }
  // An object's entries in key order, each with its key.
  std::vector<std::pair<std::string, Reader>> members() const {
    if (!node_.is_object()) fail(path_, node_.dump() + " is not an object");
    std::vector<std::pair<std::string, Reader>> out;
    for (const auto& [key, value] : node_.items()) out.emplace_back(key, Reader(value, join(key)));
    return out;
  }
  std::string text() const {
    if (!node_.is_string()) fail(path_, node_.dump() + " is not a string");
    return node_.get<std::string>();
  }
  RegisterField field() const { return {at("offset").u32(), at("mask").u32()}; }
  std::optional<uint32_t> optional_u32(const char* key) const {
    return has(key) ? std::optional(at(key).u32()) : std::nullopt;
  }
  std::optional<RegisterField> optional_field(const char* key) const {
    return has(key) ? std::optional(at(key).field()) : std::nullopt;
  }

  [[noreturn]] void invalid(const std::string& why) const { fail(path_, why); }
  [[noreturn]] static void fail(const std::string& path, const std::string& why) {
    throw DeviceDescriptionError(path + ": " + why);
  }

 private:
  std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const nlohmann::json& node_;
  std::string path_;
};

MessageEntry read_message(const Reader& entry, DeviceDescription::MessageKind kind) {
  MessageEntry out;
  out.address_lo = entry.at("address_lo").u32();
  out.address_hi = entry.at("address_hi").u32();
  out.data = entry.at("data").u32();
  if (kind == DeviceDescription::MessageKind::kMsix) {
    out.control = entry.at("control").u32();
    out.masked_mask = entry.at("masked_mask").u32();
  }
  return out;
}

DescriptorField read_descriptor_field(const Reader& node, uint32_t descriptor_bytes) {
  DescriptorField out{node.at("qword").u32(), node.at("shift").u32(), node.at("width").u32()};
  if (out.width == 0 || out.width > 64 || out.shift + out.width > 64) {
    node.invalid("bits " + std::to_string(out.shift) + " + " + std::to_string(out.width) +
                 " do not fit a 64-bit word");
  }
  if (8 * (out.qword + 1) > descriptor_bytes) {
    node.invalid("word " + std::to_string(out.qword) + " is past the " +
                 std::to_string(descriptor_bytes) + "-byte descriptor");
  }
  return out;
}

RingBuffer read_buffer(const Reader& node, uint32_t descriptor_bytes) {
  RingBuffer out;
  out.address = read_descriptor_field(node.at("address"), descriptor_bytes);
  if (node.has("bytes_field")) {
    out.bytes_field = read_descriptor_field(node.at("bytes_field"), descriptor_bytes);
  } else {
    const Reader bytes = node.at("bytes");
    out.bytes = bytes.u32();
    if (out.bytes == 0) bytes.invalid("0 is not a buffer size");
  }
  return out;
}

RingCause read_ring(const Reader& ring, size_t index) {
  RingCause out;
  out.name = ring.has("name") ? ring.at("name").text() : "ring " + std::to_string(index);
  out.cause_mask = ring.at("cause_mask").u32();
  out.base_lo = ring.at("base_lo").u32();
  out.base_hi = ring.at("base_hi").u32();
  out.size = ring.at("size").u32();
  const Reader size_unit = ring.at("size_unit");
  const std::string unit = size_unit.text();
  if (unit != "entries" && unit != "bytes") {
    size_unit.invalid("\"" + unit + "\" is neither \"entries\" nor \"bytes\"");
  }
  out.size_in_bytes = unit == "bytes";
  const Reader descriptor_bytes = ring.at("descriptor_bytes");
  out.descriptor_bytes = descriptor_bytes.u32();
  if (out.descriptor_bytes == 0) descriptor_bytes.invalid("0 is not a descriptor size");
  out.tail = ring.optional_u32("tail");
  out.head = ring.optional_u32("head");
  if (ring.has("buffer")) out.buffer = read_buffer(ring.at("buffer"), out.descriptor_bytes);
  if (ring.has("written_length")) {
    const Reader length = ring.at("written_length");
    if (!out.buffer) length.invalid("a written-back length needs the ring's buffer");
    out.written_length = read_descriptor_field(length, out.descriptor_bytes);
  }
  return out;
}

}  // namespace

uint64_t DescriptorField::read(std::span<const uint8_t> descriptor) const {
  uint64_t word = 0;
  for (unsigned i = 0; i < 8; ++i) {
    const size_t at = size_t{8} * qword + i;
    if (at < descriptor.size()) word |= uint64_t{descriptor[at]} << (8 * i);
  }
  word >>= shift;
  return width == 64 ? word : word & ((uint64_t{1} << width) - 1);
}

DeviceDescription DeviceDescription::from_json(const nlohmann::json& resolved) {
  const Reader root(resolved, "");
  DeviceDescription d;
  d.name = root.at("name").text();
  const Reader bar0 = root.at("bar0_bytes");
  d.bar0_bytes = bar0.u32();
  if (d.bar0_bytes < 4096 || (d.bar0_bytes & (d.bar0_bytes - 1)) != 0)
    bar0.invalid(std::to_string(d.bar0_bytes) + " is not a power of two of at least 4096");
  d.id = root.at("id").field();
  d.id_value = root.at("id").at("value").u32();
  d.soft_reset = root.optional_field("soft_reset");

  const Reader irq = root.at("interrupts");
  d.cause = irq.at("cause").u32();
  d.cause_set = irq.optional_u32("cause_set");
  d.mask_set = irq.at("mask_set").u32();
  d.mask_clear = irq.at("mask_clear").u32();
  d.line_mode = irq.optional_field("line_mode");
  d.pba = irq.optional_u32("pba");

  const Reader messages = irq.at("messages");
  const std::string kind = messages.at("kind").text();
  if (kind != "msix" && kind != "msi") {
    messages.at("kind").invalid("\"" + kind + "\" is neither \"msix\" nor \"msi\"");
  }
  d.message_kind = kind == "msix" ? MessageKind::kMsix : MessageKind::kMsi;
  for (const Reader& entry : messages.at("entries").items()) {
    d.messages.push_back(read_message(entry, d.message_kind));
  }
  d.msi_enable = messages.optional_field("enable");
  if (d.messages.empty()) messages.at("entries").invalid("is empty");

  if (irq.has("throttle")) {
    for (const Reader& entry : irq.at("throttle").items()) d.throttle.push_back(entry.field());
  }
  const Reader vectors = irq.at("vectors");
  for (const Reader& vector : vectors.items()) d.vector_causes.push_back(vector.u32());
  if (d.vector_causes.empty() || d.vector_causes.size() > d.messages.size()) {
    vectors.invalid(std::to_string(d.vector_causes.size()) + " vectors for " +
                    std::to_string(d.messages.size()) + " messages");
  }
  for (const Reader& ring : irq.at("rings").items())
    d.rings.push_back(read_ring(ring, d.rings.size()));

  if (root.has("link")) {
    const Reader link = root.at("link");
    d.link = FrameLimits{link.at("min_frame").u32(), link.at("max_frame").u32()};
    if (d.link->min_frame == 0 || d.link->min_frame > d.link->max_frame)
      link.invalid("wants 0 < min_frame <= max_frame");
  }
  if (root.has("drops")) {
    const Reader drops = root.at("drops");
    for (const char* reason : {"runt", "oversize", "bad", "no_desc"}) {
      if (drops.has(reason)) d.drop_counters.push_back({reason, drops.at(reason).u32()});
    }
  }
  if (root.has("send_errors")) {
    const Reader errors = root.at("send_errors");
    for (const auto& [reason, offset] : errors.members())
      d.send_error_counters.push_back({reason, offset.u32()});
  }
  if (root.has("errors")) {
    for (const auto& [reason, offset] : root.at("errors").members())
      d.error_counters.push_back({reason, offset.u32()});
  }
  return d;
}

DeviceDescription DeviceDescription::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DeviceDescriptionError(path + ": cannot be read");
  nlohmann::json resolved;
  try {
    resolved = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    throw DeviceDescriptionError(path + ": not JSON: " + error.what());
  }
  try {
    return from_json(resolved);
  } catch (const DeviceDescriptionError& error) {
    throw DeviceDescriptionError(path + ": " + error.what());
  }
}

}  // namespace nicsim::sim
