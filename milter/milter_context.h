// SPDX-License-Identifier: BSD-2-Clause
// milter_context.h - what the filter logic may ask of the MTA for the
// message at hand.  Production implements it over SMFICTX (callbacks.cpp),
// the unit tests with a recording fake, so every path of MessageFilter runs
// without libmilter.
//
// CONTRACT: each call returns false when the MTA refused or the action was
// not negotiated; none throws.  Actions that libmilter allows only at end of
// message (delete_recipient, quarantine, progress) are only called there.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mixtasy::milter {

class MilterContext {
public:
    virtual ~MilterContext() = default;

    // A macro value ("i" is the queue ID); nullopt when the MTA sent none.
    virtual std::optional<std::string> symbol(std::string_view name) = 0;
    virtual bool delete_recipient(std::string_view recipient_as_received) = 0;
    virtual bool quarantine(std::string_view reason) = 0;
    virtual bool set_reply(std::string_view rcode, std::string_view xcode,
                           std::string_view text) = 0;
    virtual bool progress() = 0;
};

}  // namespace mixtasy::milter
