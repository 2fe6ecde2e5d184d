// SPDX-License-Identifier: BSD-2-Clause
// file_key_source.cpp - see file_key_source.h.
#include "core/sender/file_key_source.h"

#include <fstream>

namespace mixtasy::core {

Expected<std::vector<FetchedKey>, KeySourceError> FileKeySource::fetch_all() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Unexpected{KeySourceError{"cannot read " + path_, true}};
    std::string text(kMaxKeyFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxKeyFileBytes)
        return Unexpected{KeySourceError{path_ + " is larger than 1 MiB", false}};
    return std::vector<FetchedKey>{FetchedKey{KeyOrigin::File, path_, std::move(text)}};
}

}  // namespace mixtasy::core
