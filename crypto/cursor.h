// SPDX-License-Identifier: BSD-2-Clause
// cursor.h - a bounds-checked reader over a byte view.
//
// What it does
//   Reads big-endian integers and byte runs from a ByteView, front to back.
//   Every read checks the remaining length first; on underflow it returns
//   ErrorCode::Truncated with the absolute offset of the failed read and
//   does not move.  Parsers never do pointer arithmetic of their own.
//
// Guarantees
//   - No read ever touches a byte outside the view.
//   - offset() is absolute: base + bytes consumed, where `base` is the
//     position of the view inside the caller's whole input, so errors point
//     at the right byte of the original buffer.
//   - take(n) returns a sub-view of the original buffer (no copy); it lives
//     as long as that buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "crypto/error.h"

namespace mixtasy::crypto {

class Cursor {
public:
    explicit Cursor(ByteView data, std::size_t base = 0) noexcept : data_(data), base_(base) {}

    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    bool empty() const noexcept { return remaining() == 0; }
    std::size_t offset() const noexcept { return base_ + pos_; }
    std::size_t consumed() const noexcept { return pos_; }
    ByteView rest() const noexcept { return data_.subspan(pos_); }

    Result<uint8_t> u8(const char* what = "u8") {
        if (remaining() < 1) return short_read(what);
        return data_[pos_++];
    }
    Result<uint16_t> u16(const char* what = "u16") {
        if (remaining() < 2) return short_read(what);
        uint16_t v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
        pos_ += 2;
        return v;
    }
    Result<uint32_t> u32(const char* what = "u32") {
        if (remaining() < 4) return short_read(what);
        uint32_t v = (uint32_t{data_[pos_]} << 24) | (uint32_t{data_[pos_ + 1]} << 16) |
                     (uint32_t{data_[pos_ + 2]} << 8) | uint32_t{data_[pos_ + 3]};
        pos_ += 4;
        return v;
    }
    Result<ByteView> take(std::size_t n, const char* what = "bytes") {
        if (remaining() < n) return short_read(what);
        ByteView v = data_.subspan(pos_, n);
        pos_ += n;
        return v;
    }
    ByteView take_rest() noexcept {
        ByteView v = data_.subspan(pos_);
        pos_ = data_.size();
        return v;
    }
    Result<void> skip(std::size_t n, const char* what = "bytes") {
        if (remaining() < n) return short_read(what);
        pos_ += n;
        return {};
    }

private:
    Unexpected<Error> short_read(const char* what) const {
        return fail(ErrorCode::Truncated, offset(),
                    std::string(what) + ": need more bytes than the " +
                        std::to_string(remaining()) + " remaining");
    }

    ByteView data_;
    std::size_t base_;
    std::size_t pos_ = 0;
};

}  // namespace mixtasy::crypto
