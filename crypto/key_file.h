// SPDX-License-Identifier: BSD-2-Clause
// key_file.h - small key files on disk: written atomically, read bounded,
// guarded by an exclusive lock.
//
// What it does
//   make_private_directory(dir) creates `dir` 0700 when it is absent.
//   write_key_file(dir, name, data, mode) replaces dir/name atomically:
//     write a temporary file in the same directory, fsync it, rename it
//     over, fsync the directory; a crash leaves the old or the new file,
//     never a torn one.  Written by root, the file gets the directory's
//     owner and group, so the user the directory belongs to keeps reading
//     it after root replaced it.
//   read_key_file(path, access) reads a whole file of at most
//     kMaxKeyFileSize bytes; FileAccess::OwnerOnly also refuses a file that
//     group or others may read.
//   FileLock::exclusive(path) holds flock(LOCK_EX) on `path` (created 0644,
//     opened read-only) until the FileLock is destroyed.
//
// Guarantees and refusals
//   - Never follows a symbolic link at the file itself (O_NOFOLLOW).
//   - Refused: an OwnerOnly file readable by group or others (bad_key:
//     "<path> must be mode 0600"), a file above 1 MiB (limit_exceeded:
//     "<path> larger than 1 MiB"); system call failures are io_error with
//     the call, the path and strerror.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "crypto/error.h"

namespace mixtasy::crypto {

inline constexpr std::size_t kMaxKeyFileSize = 1024 * 1024;

enum class FileAccess { Any, OwnerOnly };

Result<void> make_private_directory(const std::filesystem::path& dir);

Result<void> write_key_file(const std::filesystem::path& dir, const char* name,
                            std::string_view data, mode_t mode);

Result<std::string> read_key_file(const std::filesystem::path& path, FileAccess access);

class FileLock {
public:
    static Result<FileLock> exclusive(const std::filesystem::path& path);

    FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    FileLock& operator=(FileLock&&) = delete;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();  // closing the descriptor releases the lock

private:
    explicit FileLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace mixtasy::crypto
