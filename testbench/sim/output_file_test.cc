// Output files: checked before a run, written under a temporary name and renamed when complete,
// special files written in place; errors name the path and the errno text.
#include "sim/output_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace nicsim::sim {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nicsim-output-file-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  size_t files() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  fs::path dir_;
};

TEST_F(OutputFileTest, CommitRenamesTheCompleteFileOntoItsName) {
  const std::string final_path = path("s.json");
  {
    OutputFile file(final_path);
    EXPECT_NE(file.write_path(), final_path);
    std::ofstream(file.write_path()) << "whole";
    EXPECT_FALSE(fs::exists(final_path));  // nothing under the final name until complete
    EXPECT_EQ(file.commit(), "");
  }
  EXPECT_EQ(read(final_path), "whole");
  EXPECT_EQ(files(), 1u);
}

TEST_F(OutputFileTest, UncommittedLeavesTheOldFileAndNoTemporary) {
  const std::string final_path = path("s.json");
  std::ofstream(final_path) << "old";
  {
    OutputFile file(final_path);
    std::ofstream(file.write_path()) << "half";
  }
  EXPECT_EQ(read(final_path), "old");
  EXPECT_EQ(files(), 1u);
}

TEST_F(OutputFileTest, SpecialFilesAreWrittenInPlace) {
  OutputFile file("/dev/null");
  EXPECT_EQ(file.write_path(), "/dev/null");
  EXPECT_EQ(file.commit(), "");
  EXPECT_TRUE(fs::exists("/dev/null"));
}

TEST_F(OutputFileTest, WriteErrorNamesThePathAndErrno) {
  const std::string error = write_whole_file("/dev/full", "text");
  EXPECT_NE(error.find("/dev/full"), std::string::npos) << error;
  EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
  EXPECT_EQ(write_whole_file(path("ok.txt"), "text"), "");
  EXPECT_EQ(read(path("ok.txt")), "text");
}

TEST_F(OutputFileTest, CheckNamesWhyAPathCannotBeWritten) {
  EXPECT_EQ(check_output_path(path("new.json")), "");
  EXPECT_EQ(check_output_path("/dev/full"), "");  // fails only when written: exit 2 then
  EXPECT_EQ(files(), 0u);                         // the check leaves nothing behind
  const std::string under_file = check_output_path("/etc/passwd/x.json");
  EXPECT_NE(under_file.find("/etc/passwd/x.json"), std::string::npos) << under_file;
  EXPECT_NE(under_file.find("Not a directory"), std::string::npos) << under_file;
  EXPECT_NE(check_output_path(path("missing/x.json")).find("No such file or directory"),
            std::string::npos);
  EXPECT_NE(check_output_path(dir_.string()).find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace nicsim::sim
