// SPDX-License-Identifier: BSD-2-Clause
// percent_encode.h - text into a URL query or path segment.
//
// WHAT IT DOES / GUARANTEES
//   percent_encode(text) keeps RFC 3986's unreserved characters (letters,
//   digits, '-', '.', '_', '~') and writes every other byte as %XX (upper
//   case), so a search string or a local part can never end a query field
//   or add one.  Never fails, never throws beyond allocation.
#pragma once

#include <string>
#include <string_view>

namespace mixtasy::core {

std::string percent_encode(std::string_view text);

}  // namespace mixtasy::core
