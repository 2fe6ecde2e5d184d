// key_sources.h - the KeySources (core/keys/key_source.h) that `mixtasy
// dir update` asks, from the client's configuration.
//
// WHAT IT DOES
//   configured_sources(config) returns a source per KeyFile line (the file
//   source of core/sender/file_key_source.h) and, once the HKP and WKD
//   sources of core/publish/ are wired here, one per KeyServer and
//   MixDomain line; `unavailable` names the configured ones this build
//   cannot ask yet.  Sources come in import order: a mix domain's WKD
//   before files before the key service before keyservers, so that on
//   first sight the domain's own key is the one pinned.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/keys/key_source.h"
#include "core/sender/client_config.h"

namespace mixtasy::cli {

struct ConfiguredSources {
    std::vector<std::unique_ptr<core::KeySource>> sources;
    std::vector<std::string> unavailable;
};

ConfiguredSources configured_sources(const core::ClientConfig& config);

}  // namespace mixtasy::cli
