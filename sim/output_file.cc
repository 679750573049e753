#include "sim/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace nicsim::sim {
namespace {

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A name that is not a plain file (or a symlink to one that rename would replace): written in
// place.
bool written_in_place(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return false;
  return !S_ISREG(st.st_mode);
}

}  // namespace

std::string errno_message(const std::string& path, const std::string& what) {
  const int error = errno;
  return path + ": " + what + ": " + std::strerror(error);
}

std::string check_output_path(const std::string& path) {
  if (path.empty()) return path + ": empty file name";
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return path + ": is a directory";
  if (written_in_place(path)) {
    // A FIFO opens for writing only once a reader has it open: the run will wait for one.
    if (stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) return "";
    const int fd = open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno_message(path, "cannot open it for writing");
    close(fd);
    return "";
  }
  // Try what the run will do at the end: create a file next to it.
  const std::string dir = directory_of(path);
  std::string probe = dir + "/.nicsim-probe-XXXXXX";
  const int fd = mkstemp(probe.data());
  if (fd < 0) return errno_message(path, "cannot create a file in " + dir);
  close(fd);
  unlink(probe.c_str());
  return "";
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  static std::atomic<unsigned> serial{0};
  if (written_in_place(path_)) {
    write_path_ = path_;
    done_ = true;  // nothing to rename or remove
    return;
  }
  write_path_ = directory_of(path_) + "/." + base_of(path_) + ".tmp" + std::to_string(getpid()) +
                "-" + std::to_string(serial++);
}

OutputFile::~OutputFile() { discard(); }

std::string OutputFile::commit() {
  if (done_) return "";
  done_ = true;
  if (std::rename(write_path_.c_str(), path_.c_str()) != 0) {
    std::string error = errno_message(path_, "cannot rename " + write_path_ + " onto it");
    unlink(write_path_.c_str());
    return error;
  }
  return "";
}

void OutputFile::discard() {
  if (done_) return;
  done_ = true;
  unlink(write_path_.c_str());
}

std::string write_whole_file(const std::string& path, const std::string& text) {
  OutputFile file(path);
  std::FILE* out = std::fopen(file.write_path().c_str(), "w");
  if (!out) return errno_message(path, "cannot open it for writing");
  errno = 0;
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size() &&
                       std::fflush(out) == 0 && !std::ferror(out);
  std::string error = written ? "" : errno_message(path, "write error");
  if (std::fclose(out) != 0 && error.empty()) error = errno_message(path, "write error");
  if (!error.empty()) return error;
  return file.commit();
}

}  // namespace nicsim::sim
