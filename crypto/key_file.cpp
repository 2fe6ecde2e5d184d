// SPDX-License-Identifier: BSD-2-Clause
// key_file.cpp - atomic, bounded key files and their lock; see key_file.h.
#include "crypto/key_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mixtasy::crypto {
namespace {

Unexpected<Error> io_fail(const std::string& what) {
    return fail(ErrorCode::IoError, 0, what + ": " + std::strerror(errno));
}

// RAII file descriptor.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }

private:
    int fd_;
};

// Root (an admin's `mixtasy key rotate` or `keygen --force`) writes the
// file as the directory's owner, so a daemon running as that user can still
// read the key it is to use.
Result<void> take_directory_owner(int fd, const std::filesystem::path& dir,
                                  const std::filesystem::path& file) {
    struct stat dir_st {};
    if (::geteuid() == 0 && ::stat(dir.c_str(), &dir_st) == 0 &&
        ::fchown(fd, dir_st.st_uid, dir_st.st_gid) != 0)
        return io_fail("chown " + file.string());
    return {};
}

Result<void> write_all(int fd, std::string_view data, const std::filesystem::path& file) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return io_fail("write " + file.string());
        done += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

Result<void> make_private_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
            return io_fail("mkdir " + dir.string());
    }
    return {};
}

Result<void> write_key_file(const std::filesystem::path& dir, const char* name,
                            std::string_view data, mode_t mode) {
    const std::filesystem::path target = dir / name;
    const std::filesystem::path tmp = dir / (std::string(".") + name + ".tmp");
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) return io_fail("create " + tmp.string());
    if (::fchmod(fd.get(), mode) != 0) return io_fail("chmod " + tmp.string());
    MIXTASY_CHECK(take_directory_owner(fd.get(), dir, tmp));
    MIXTASY_CHECK(write_all(fd.get(), data, tmp));
    if (::fsync(fd.get()) != 0) return io_fail("fsync " + tmp.string());
    if (::close(fd.release()) != 0) return io_fail("close " + tmp.string());
    if (::rename(tmp.c_str(), target.c_str()) != 0) return io_fail("rename to " + target.string());
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.get() >= 0) (void)::fsync(dfd.get());
    return {};
}

Result<std::string> read_key_file(const std::filesystem::path& path, FileAccess access) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) return io_fail("open " + path.string());
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return io_fail("stat " + path.string());
    if (access == FileAccess::OwnerOnly && (st.st_mode & 077) != 0)
        return fail(ErrorCode::BadKey, 0, path.string() + " must be mode 0600");
    if (st.st_size < 0 || static_cast<std::size_t>(st.st_size) > kMaxKeyFileSize)
        return fail(ErrorCode::LimitExceeded, 0, path.string() + " larger than 1 MiB");
    std::string data(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::read(fd.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return io_fail("read " + path.string());
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    data.resize(done);
    return data;
}

Result<FileLock> FileLock::exclusive(const std::filesystem::path& path) {
    // Read-only and 0644: whoever of root and the directory's owner made the
    // lock file, the other can still open it, and flock needs no write access.
    Fd lock(::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (lock.get() < 0) return io_fail("open " + path.string());
    while (::flock(lock.get(), LOCK_EX) != 0) {
        if (errno != EINTR) return io_fail("lock " + path.string());
    }
    return FileLock(lock.release());
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace mixtasy::crypto
