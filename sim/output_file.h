// Output files that are never left half-written under their final name: checked before a run
// (check_output_path), written under a temporary name in the same directory and renamed onto
// the final name once complete (OutputFile). Special files (devices such as /dev/full, pipes,
// symlinks such as /dev/stdout) cannot be renamed onto: they are written in place. Errors name
// the path and the errno text.
#pragma once

#include <string>

namespace nicsim::sim {

// "" when path can be written: an existing non-directory that opens for writing, or a new name
// in a directory where a file can be created. Otherwise "PATH: reason: errno text".
std::string check_output_path(const std::string& path);

// "PATH: what: errno text" for the current errno (call right after the failing call).
std::string errno_message(const std::string& path, const std::string& what);

class OutputFile {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();  // removes the temporary when not committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& path() const { return path_; }
  // Where to write: the temporary, or the path itself for a special file.
  const std::string& write_path() const { return write_path_; }
  // Renames the complete temporary onto the path; "" or the error. Call after closing it.
  std::string commit();
  // Removes the temporary (a failed write); the path is left as it was.
  void discard();

 private:
  std::string path_;
  std::string write_path_;
  bool done_ = false;
};

// Writes text to an OutputFile with stdio, checking every step; "" or the error naming the path.
std::string write_whole_file(const std::string& path, const std::string& text);

}  // namespace nicsim::sim
