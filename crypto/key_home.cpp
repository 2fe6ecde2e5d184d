// key_home.cpp - node key files; see key_home.h.
#include "crypto/key_home.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <botan/mem_ops.h>

#include "crypto/armor.h"

namespace mixtasy::crypto {
namespace {

constexpr std::size_t kMaxKeyFile = 1024 * 1024;

Unexpected<Error> io_fail(const std::string& what) {
    return fail(ErrorCode::io_error, 0, what + ": " + std::strerror(errno));
}

// RAII file descriptor.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { if (fd_ >= 0) ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() { int f = fd_; fd_ = -1; return f; }
private:
    int fd_;
};

Result<void> write_atomically(const std::filesystem::path& dir, const char* name, std::string_view data, mode_t mode) {
    const std::filesystem::path target = dir / name;
    const std::filesystem::path tmp = dir / (std::string(".") + name + ".tmp");
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) return io_fail("create " + tmp.string());
    if (::fchmod(fd.get(), mode) != 0) return io_fail("chmod " + tmp.string());
    // Root (an admin's `mixtasy key rotate` or `keygen --force`) writes the
    // file as the home's owner, so the daemon running as that user can
    // still read the key it is to use.
    struct stat home_st {};
    if (::geteuid() == 0 && ::stat(dir.c_str(), &home_st) == 0 &&
        ::fchown(fd.get(), home_st.st_uid, home_st.st_gid) != 0)
        return io_fail("chown " + tmp.string());
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return io_fail("write " + tmp.string());
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return io_fail("fsync " + tmp.string());
    if (::close(fd.release()) != 0) return io_fail("close " + tmp.string());
    if (::rename(tmp.c_str(), target.c_str()) != 0) return io_fail("rename to " + target.string());
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.get() >= 0) (void)::fsync(dfd.get());
    return {};
}

Result<std::string> read_small_file(const std::filesystem::path& path, bool secret) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) return io_fail("open " + path.string());
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return io_fail("stat " + path.string());
    if (secret && (st.st_mode & 077) != 0) return fail(ErrorCode::bad_key, 0, path.string() + " must be mode 0600");
    if (st.st_size < 0 || static_cast<std::size_t>(st.st_size) > kMaxKeyFile)
        return fail(ErrorCode::limit_exceeded, 0, path.string() + " larger than 1 MiB");
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

template <typename T>
Result<T> exactly_one(Result<std::vector<T>> all) {
    if (!all) return Unexpected{all.error()};
    if (all->size() != 1) return fail(ErrorCode::bad_key, 0, "expected exactly one key, found " + std::to_string(all->size()));
    return std::move(all->front());
}

}  // namespace

std::string export_public(const Certificate& cert) {
    return armor_encode(serialize(cert), kLabelPublicKey);
}

std::string export_secret(const SecretCertificate& key) {
    const auto binary = serialize(key);
    return armor_encode(binary, kLabelPrivateKey);
}

Result<Certificate> read_certificate(ByteView input) {
    auto binary = to_binary(input);
    if (!binary) return Unexpected{binary.error()};
    return exactly_one(parse_certificates(*binary));
}

Result<SecretCertificate> read_secret_certificate(ByteView input) {
    auto binary = to_binary(input);
    if (!binary) return Unexpected{binary.error()};
    auto key = exactly_one(parse_secret_certificates(*binary));
    Botan::secure_scrub_memory(binary->data(), binary->size());
    return key;
}

Result<void> save_node_key(const std::filesystem::path& home, const SecretCertificate& key) {
    std::error_code ec;
    if (!std::filesystem::exists(home, ec)) {
        if (::mkdir(home.c_str(), 0700) != 0 && errno != EEXIST) return io_fail("mkdir " + home.string());
    }
    std::string secret = export_secret(key);
    auto r = write_atomically(home, kSecretKeyFile, secret, 0600);
    Botan::secure_scrub_memory(secret.data(), secret.size());
    if (!r) return r;
    return write_atomically(home, kPublicKeyFile, export_public(key.cert), 0644);
}

Result<SecretCertificate> load_node_key(const std::filesystem::path& home) {
    auto text = read_small_file(home / kSecretKeyFile, true);
    if (!text) return Unexpected{text.error()};
    auto key = read_secret_certificate(as_bytes(*text));
    Botan::secure_scrub_memory(text->data(), text->size());
    return key;
}

Result<Certificate> load_node_certificate(const std::filesystem::path& home) {
    auto text = read_small_file(home / kPublicKeyFile, false);
    if (!text) return Unexpected{text.error()};
    return read_certificate(as_bytes(*text));
}

Result<SecretCertificate> update_node_key(const std::filesystem::path& home,
                                          const std::function<bool(SecretCertificate&)>& change) {
    // Read-only and 0644: whoever of root and the home's owner made the lock
    // file, the other can still open it, and flock needs no write access.
    // The home itself is 0700, so no one else reaches it.
    const std::filesystem::path lock_path = home / ".lock";
    Fd lock(::open(lock_path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (lock.get() < 0) return io_fail("open " + lock_path.string());
    while (::flock(lock.get(), LOCK_EX) != 0) {
        if (errno != EINTR) return io_fail("lock " + lock_path.string());
    }
    // Closing the descriptor (Fd's destructor) releases the lock.
    auto key = load_node_key(home);
    if (!key) return key;
    if (change(*key)) {
        if (auto saved = save_node_key(home, *key); !saved) return Unexpected{saved.error()};
    }
    return key;
}

}  // namespace mixtasy::crypto
