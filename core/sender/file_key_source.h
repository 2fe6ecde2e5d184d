// SPDX-License-Identifier: BSD-2-Clause
// file_key_source.h - a KeySource (core/keys/key_source.h) over one local
// file of armored keys: `KeyFile` lines of the client's configuration, an
// offline user's way to refresh, and the tests'.
//
// WHAT IT DOES
//   fetch_all() reads the whole file and offers it as one FetchedKey with
//   origin File and `where` the path.
//
// WHAT IT GUARANTEES
//   Reads at most kMaxKeyFileBytes; never follows the file beyond that.
//
// WHAT IT REFUSES (KeySourceError)
//   A file that cannot be opened (temporary: it may appear), a file over
//   the limit (not temporary).
#pragma once

#include <cstddef>
#include <string>

#include "core/keys/key_source.h"

namespace mixtasy::core {

class FileKeySource final : public KeySource {
public:
    static constexpr std::size_t kMaxKeyFileBytes = 1024 * 1024;

    explicit FileKeySource(std::string path) : path_(std::move(path)) {}
    KeyOrigin origin() const override { return KeyOrigin::File; }
    std::string where() const override { return path_; }
    Expected<std::vector<FetchedKey>, KeySourceError> fetch_all() override;

private:
    std::string path_;
};

}  // namespace mixtasy::core
