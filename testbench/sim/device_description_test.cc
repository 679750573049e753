// The resolved device descriptions (<name>_device.json from rtl/regs/regs_gen.py): the reference
// NIC's agrees with its generated register header, the example NIC's resolves to MSI, and a bad
// description names its key.
#include "sim/device_description.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>

#include "nic_regs.h"
#include "sim/host_memory.h"
#include "sim/monitors/ring_ownership.h"

namespace nicsim::sim {
namespace {

TEST(DeviceDescription, ReferenceAgreesWithItsRegisterHeader) {
  const auto d = DeviceDescription::load(NIC_DEVICE_JSON);
  EXPECT_EQ(d.name, "nic");
  EXPECT_EQ(d.bar0_bytes, 0x2000u);  // the MSI-X table and PBA end below 8 KiB
  EXPECT_EQ(d.id.offset, nic_regs::ID);
  EXPECT_EQ(d.id_value, 0x4E430000u);
  EXPECT_EQ(d.cause, nic_regs::ICR);
  EXPECT_EQ(d.cause_set, nic_regs::ICS);
  EXPECT_EQ(d.mask_set, nic_regs::IMS);
  EXPECT_EQ(d.mask_clear, nic_regs::IMC);
  ASSERT_TRUE(d.line_mode);
  EXPECT_EQ(d.line_mode->offset, nic_regs::CTRL);
  EXPECT_EQ(d.line_mode->mask, nic_regs::CTRL_INTX_MODE);
  EXPECT_EQ(d.pba, nic_regs::PBA);

  EXPECT_EQ(d.message_kind, DeviceDescription::MessageKind::kMsix);
  ASSERT_EQ(d.messages.size(), nic_regs::kMaxVectors);
  EXPECT_EQ(d.messages[3].data, nic_regs::MSIX_DATA(3));
  EXPECT_EQ(d.messages[3].control, nic_regs::MSIX_VCTRL(3));
  ASSERT_EQ(d.throttle.size(), nic_regs::kMaxVectors);
  EXPECT_EQ(d.throttle[8].offset, nic_regs::ITR(8));
  EXPECT_EQ(d.throttle[8].mask, nic_regs::ITR_INTERVAL);

  ASSERT_EQ(d.vector_causes.size(), nic_regs::kMaxVectors);
  EXPECT_EQ(d.vector_causes[2], (1u << 2) | (1u << (nic_regs::ICR_TXQ_SHIFT + 2)));
  EXPECT_EQ(d.vector_causes[8], nic_regs::ICR_LINK | nic_regs::ICR_RX_DROP | nic_regs::ICR_DMA_ERR);

  // A TX and an RX ring per queue, each setting its queue's bit.
  ASSERT_EQ(d.rings.size(), 2 * nic_regs::kMaxQueues);
  const RingCause& rx5 = d.rings[nic_regs::kMaxQueues + 5];
  EXPECT_EQ(rx5.base_lo, nic_regs::RX_BASE_LO(5));
  EXPECT_EQ(rx5.size, nic_regs::RX_SIZE(5));
  EXPECT_EQ(rx5.cause_mask, 1u << (nic_regs::ICR_RXQ_SHIFT + 5));
  EXPECT_FALSE(rx5.size_in_bytes);
  EXPECT_EQ(rx5.descriptor_bytes, nic_regs::kDescBytes);
  // Ownership: the doorbells, and the receive buffer each RX descriptor hands over.
  EXPECT_EQ(rx5.name, "RX5");
  EXPECT_EQ(rx5.tail, nic_regs::RX_TAIL(5));
  EXPECT_EQ(rx5.head, nic_regs::RX_HEAD(5));
  ASSERT_TRUE(rx5.buffer);
  EXPECT_EQ(rx5.buffer->address.qword, nic_regs::DESC_RX_ADDR_QWORD);
  EXPECT_EQ(rx5.buffer->address.shift, nic_regs::DESC_RX_ADDR_SHIFT);
  EXPECT_EQ(rx5.buffer->address.width, 64u);
  EXPECT_EQ(rx5.buffer->bytes, nic_regs::kRxBufBytes);
  EXPECT_FALSE(rx5.buffer->bytes_field);
  const RingCause& tx5 = d.rings[5];
  EXPECT_EQ(tx5.name, "TX5");
  EXPECT_EQ(tx5.tail, nic_regs::TX_TAIL(5));
  EXPECT_FALSE(tx5.buffer);

  ASSERT_TRUE(d.link);
  EXPECT_EQ(d.link->min_frame, nic_regs::kMinFrame);
  EXPECT_EQ(d.link->max_frame, nic_regs::kMaxFrame);
  ASSERT_EQ(d.drop_counters.size(), 4u);
  EXPECT_EQ(d.drop_counters[0].reason, "runt");
  EXPECT_EQ(d.drop_counters[0].offset, nic_regs::STAT_RX_RUNT);
  EXPECT_EQ(d.drop_counters[3].reason, "no_desc");
  EXPECT_EQ(d.drop_counters[3].offset, nic_regs::STAT_RX_NO_DESC);
  ASSERT_EQ(d.send_error_counters.size(), 1u);
  EXPECT_EQ(d.send_error_counters[0].reason, "bad_len");
  EXPECT_EQ(d.send_error_counters[0].offset, nic_regs::STAT_TX_BAD_LEN);
}

TEST(DeviceDescription, ExampleNicResolvesToOneMsiVectorAndByteSizedRings) {
  const auto d = DeviceDescription::load(SIMPLE_NIC_DEVICE_JSON);
  EXPECT_EQ(d.name, "simple_nic");
  EXPECT_EQ(d.bar0_bytes, 0x8000u);  // statistics up to 0x40AC
  EXPECT_EQ(d.message_kind, DeviceDescription::MessageKind::kMsi);
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_FALSE(d.messages[0].control);
  ASSERT_TRUE(d.msi_enable);
  EXPECT_FALSE(d.line_mode);
  EXPECT_TRUE(d.throttle.empty());  // no throttle register: THROTTLE_SPACING does not apply
  ASSERT_EQ(d.vector_causes.size(), 1u);
  uint32_t ring_causes = 0;
  for (const RingCause& ring : d.rings) {
    EXPECT_TRUE(ring.size_in_bytes);
    ring_causes |= ring.cause_mask;
  }
  EXPECT_EQ(d.rings.size(), 2u);
  EXPECT_EQ(ring_causes & ~d.vector_causes[0], 0u) << "a ring cause no vector signals";
  EXPECT_EQ(d.rings[0].name, "TX");
  EXPECT_EQ(d.rings[0].tail, 0x3818u);  // TDT
  EXPECT_FALSE(d.rings[0].buffer);
  EXPECT_EQ(d.rings[1].name, "RX");
  EXPECT_EQ(d.rings[1].tail, 0x2818u);  // RDT
  ASSERT_TRUE(d.rings[1].buffer);
  EXPECT_EQ(d.rings[1].buffer->bytes, 2048u);
  EXPECT_FALSE(d.rings[0].written_length);
  ASSERT_TRUE(d.rings[1].written_length);  // RX.LEN: bits 15:0 of word 1
  EXPECT_EQ(d.rings[1].written_length->qword, 1u);
  EXPECT_EQ(d.rings[1].written_length->width, 16u);
}

nlohmann::json ReferenceJson() {
  std::ifstream in(NIC_DEVICE_JSON);
  return nlohmann::json::parse(in);
}

TEST(DeviceDescription, BadValueNamesItsKey) {
  auto resolved = ReferenceJson();
  resolved["interrupts"]["rings"][2]["size_unit"] = "words";
  try {
    DeviceDescription::from_json(resolved);
    FAIL() << "accepted size_unit \"words\"";
  } catch (const DeviceDescriptionError& error) {
    EXPECT_STREQ(error.what(),
                 "interrupts.rings[2].size_unit: \"words\" is neither \"entries\" nor \"bytes\"");
  }
}

TEST(DeviceDescription, SendErrorCounterNamesItsReason) {
  auto bad = ReferenceJson();
  bad["send_errors"]["bad_len"] = "0x38";
  try {
    DeviceDescription::from_json(bad);
    FAIL() << "accepted a string offset";
  } catch (const DeviceDescriptionError& error) {
    EXPECT_STREQ(error.what(), "send_errors.bad_len: \"0x38\" is not a 32-bit unsigned number");
  }
  auto none = ReferenceJson();
  none.erase("send_errors");
  EXPECT_TRUE(DeviceDescription::from_json(none).send_error_counters.empty());  // optional
}

TEST(DeviceDescription, MissingKeyAndMoreVectorsThanMessagesAreRefused) {
  auto missing = ReferenceJson();
  missing["interrupts"].erase("mask_clear");
  EXPECT_THROW(DeviceDescription::from_json(missing), DeviceDescriptionError);

  auto too_many = ReferenceJson();
  too_many["interrupts"]["messages"]["entries"].erase(8);
  try {
    DeviceDescription::from_json(too_many);
    FAIL() << "accepted 9 vectors for 8 messages";
  } catch (const DeviceDescriptionError& error) {
    EXPECT_STREQ(error.what(), "interrupts.vectors: 9 vectors for 8 messages");
  }
}

// Descriptions written before the ownership roles load; the platform follows none of their rings.
TEST(DeviceDescription, RingsWithoutOwnershipRolesStillLoad) {
  auto resolved = ReferenceJson();
  for (auto& ring : resolved["interrupts"]["rings"]) {
    for (const char* key : {"name", "tail", "head", "buffer", "written_length"}) ring.erase(key);
  }
  const auto d = DeviceDescription::from_json(resolved);
  ASSERT_EQ(d.rings.size(), 2 * nic_regs::kMaxQueues);
  EXPECT_EQ(d.rings[3].name, "ring 3");
  EXPECT_FALSE(d.rings[3].tail);
  EXPECT_FALSE(d.rings[11].buffer);
  HostMemory memory;
  EXPECT_FALSE(RingOwnership([](Violation) {}, d, memory).follows_any_ring());
}

TEST(DeviceDescription, BadDescriptorFieldNamesItsKey) {
  auto resolved = ReferenceJson();
  resolved["interrupts"]["rings"][9]["buffer"]["address"]["qword"] = 2u;
  try {
    DeviceDescription::from_json(resolved);
    FAIL() << "accepted a buffer address past the descriptor";
  } catch (const DeviceDescriptionError& error) {
    EXPECT_STREQ(error.what(),
                 "interrupts.rings[9].buffer.address: word 2 is past the 16-byte descriptor");
  }
}

TEST(DeviceDescription, DescriptorFieldReadsItsBits) {
  const uint8_t descriptor[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                  0xEA, 0x05, 0x00, 0x03, 0xAA, 0xBB, 0xCC, 0xDD};
  EXPECT_EQ((DescriptorField{0, 0, 64}.read(descriptor)), 0x8877665544332211ull);
  EXPECT_EQ((DescriptorField{1, 0, 16}.read(descriptor)), 0x5EAu);
  EXPECT_EQ((DescriptorField{1, 24, 8}.read(descriptor)), 0x03u);
  EXPECT_EQ((DescriptorField{1, 32, 32}.read(std::span(descriptor, 12))), 0u);  // past the end
}

// Runs regs_gen.py on the reference map changed by edit; returns its exit status and output.
std::pair<int, std::string> GenerateEdited(const std::string& name,
                                           const std::function<void(nlohmann::json&)>& edit) {
  std::ifstream in(NIC_REGS_SPEC);
  auto spec = nlohmann::json::parse(in);
  edit(spec);
  const std::string dir = ::testing::TempDir() + name;
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/bad.json") << spec.dump();
  const std::string command =
      std::string(PYTHON) + " " + REGS_GEN + " " + dir + "/bad.json " + dir + "/out 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  char chunk[256];
  while (fgets(chunk, sizeof chunk, pipe)) output += chunk;
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// regs_gen.py checks the ownership roles against the map: a tail that is no register of the
// ring's block exits 2 and names the key.
TEST(DeviceDescription, GeneratorRejectsATailThatIsNoRegister) {
  const auto [status, output] = GenerateEdited("regs_gen_tail", [](nlohmann::json& spec) {
    spec["device"]["interrupts"]["ring_causes"][1]["tail"] = "RX_DOORBELL";
  });
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("device.interrupts.ring_causes[1].tail: \"RX_DOORBELL\" is not a register "
                        "of block QUEUE"),
            std::string::npos)
      << output;
}

// A written-back length must be a field of the ring's descriptor, on a ring with a buffer.
TEST(DeviceDescription, GeneratorRejectsAWrittenLengthItCannotPlace) {
  const auto [status, output] = GenerateEdited("regs_gen_length", [](nlohmann::json& spec) {
    spec["device"]["interrupts"]["ring_causes"][1]["written_length"] = "SIZE";
  });
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("device.interrupts.ring_causes[1].written_length: \"SIZE\" is not a field "
                        "of descriptor RX"),
            std::string::npos)
      << output;
  const auto [no_buffer, why] = GenerateEdited("regs_gen_length_buffer", [](nlohmann::json& spec) {
    spec["device"]["interrupts"]["ring_causes"][1].erase("buffer");
  });
  EXPECT_EQ(no_buffer, 2) << why;
  EXPECT_NE(why.find("device.interrupts.ring_causes[1].written_length: \"LEN\" needs the ring's "
                     "buffer"),
            std::string::npos)
      << why;
}

// The resolved form: the reference NIC's receive rings report the length in RX.LEN.
TEST(DeviceDescription, ReceiveRingsDeclareTheirWrittenLength) {
  const auto d = DeviceDescription::load(NIC_DEVICE_JSON);
  unsigned with_length = 0;
  for (const RingCause& ring : d.rings) {
    if (!ring.written_length) continue;
    ++with_length;
    EXPECT_TRUE(ring.buffer) << ring.name;
    EXPECT_EQ(ring.written_length->qword, nic_regs::DESC_RX_LEN_QWORD);
    EXPECT_EQ(ring.written_length->shift, nic_regs::DESC_RX_LEN_SHIFT);
    EXPECT_EQ(ring.written_length->width, 16u);
  }
  EXPECT_EQ(with_length, nic_regs::kMaxQueues);
  auto resolved = ReferenceJson();
  resolved["interrupts"]["rings"][9].erase("buffer");
  try {
    DeviceDescription::from_json(resolved);
    FAIL() << "accepted a written-back length without a buffer";
  } catch (const DeviceDescriptionError& error) {
    EXPECT_STREQ(error.what(),
                 "interrupts.rings[9].written_length: a written-back length needs the ring's "
                 "buffer");
  }
}

TEST(DeviceDescription, LoadNamesTheFileItCannotUse) {
  const std::string missing = "/nonexistent/nic_device.json";
  try {
    DeviceDescription::load(missing);
    FAIL();
  } catch (const DeviceDescriptionError& error) {
    EXPECT_EQ(std::string(error.what()), missing + ": cannot be read");
  }
}

}  // namespace
}  // namespace nicsim::sim
