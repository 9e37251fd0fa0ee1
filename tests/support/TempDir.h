#pragma once

#include <string>

namespace switchboard::testing {

/// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    /// path()/name
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    /// Writes `content` to path()/name and returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

  private:
    std::string path_;
};

/// The whole file, or throws.
std::string readFile(const std::string& path);

}  // namespace switchboard::testing
