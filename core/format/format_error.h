// SPDX-License-Identifier: BSD-2-Clause
// format_error.h - why a Mixtasy v1 message (or a piece of one) was refused.
//
// Every parser in core/ that reads bytes from the network returns
// Expected<T, FormatError>.  The node maps all of them to the destroy reason
// "malformed" except where decision.h names a finer one; to_string() gives a
// short token that is safe to log (never message content, never an address),
// describe() the sentence a command prints.
#pragma once

namespace mixtasy::core {

enum class FormatError {
    // header syntax (mix_header.h)
    HeaderTruncated,        // no empty line ends the header
    HeaderTooLarge,         // header longer than its limit
    HeaderLineTooLong,      // one line longer than its limit
    HeaderTooManyFields,    // more fields than the limit
    HeaderBadLine,          // not `name: value`, bad name, bare CR, NUL, 8-bit
    HeaderDuplicateField,   // a mix field given twice
    VerificationMisplaced,  // Verification not first or not spelled exactly
    // header semantics (mix_fields.h)
    NotMixtasy,  // Remailer-Type missing or not Mixtasy v1
    BadAddress,  // To/From not a plain mix address
    BadMixtasyId,
    BadMixtasyType,
    BadPart,      // Part missing, malformed, 0, > total or > limit
    MixedFields,  // intermediate and final fields in one header
    // body structure
    BodyTooShort,  // less than the span the Verification covers
    BodyTooLarge,
    BadLiteral,  // final payload is not a literal data packet
    BadArmor,
    BadPacket,        // not PKESK(s) + SED as a layer must be
    PayloadTooLarge,  // creation: the original does not fit its parts
};

const char* to_string(FormatError error);

// The same as a sentence for people (`mixtasy create`, `mixtasy process`):
// "the mix header has a field twice".  Never content or an address.
const char* describe(FormatError error);

}  // namespace mixtasy::core
