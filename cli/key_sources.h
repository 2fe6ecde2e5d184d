// SPDX-License-Identifier: BSD-2-Clause
// key_sources.h - the KeySources (core/keys/key_source.h) that `mixtasy
// dir update` asks, from the client's configuration.
//
// WHAT IT DOES
//   configured_sources(config) returns a source per KeyFile line (the file
//   source of core/sender/file_key_source.h), one per KeyServer line (HKP,
//   core/publish/hkp_key_source.h: every key the server finds for
//   `mixtasy@`, seed 000 6.3.2) and one per MixDomain line (that domain's
//   WKD, core/publish/wkd_key_source.h), all over one libcurl client;
//   `unavailable` names the configured ones that cannot be asked (a
//   KeyServer URL that does not parse, with why).  Sources come in import order: a mix domain's WKD
//   before files before the key service before keyservers, so that on
//   first sight the domain's own key is the one pinned.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/keys/key_source.h"
#include "core/ports/http.h"
#include "core/sender/client_config.h"

namespace mixtasy::cli {

struct ConfiguredSources {
    std::unique_ptr<core::HttpClient> http;  // first: the sources hold it, so it goes last
    std::vector<std::unique_ptr<core::KeySource>> sources;
    std::vector<std::string> unavailable;
};

ConfiguredSources configured_sources(const core::ClientConfig& config);

}  // namespace mixtasy::cli
