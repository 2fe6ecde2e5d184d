// SPDX-License-Identifier: BSD-2-Clause
// format_error.cpp - tokens for FormatError; see format_error.h.
#include "core/format/format_error.h"

namespace mixtasy::core {

const char* to_string(FormatError error) {
    switch (error) {
        case FormatError::HeaderTruncated: return "header-truncated";
        case FormatError::HeaderTooLarge: return "header-too-large";
        case FormatError::HeaderLineTooLong: return "header-line-too-long";
        case FormatError::HeaderTooManyFields: return "header-too-many-fields";
        case FormatError::HeaderBadLine: return "header-bad-line";
        case FormatError::HeaderDuplicateField: return "header-duplicate-field";
        case FormatError::VerificationMisplaced: return "verification-misplaced";
        case FormatError::NotMixtasy: return "not-mixtasy";
        case FormatError::BadAddress: return "bad-address";
        case FormatError::BadMixtasyId: return "bad-mixtasy-id";
        case FormatError::BadMixtasyType: return "bad-mixtasy-type";
        case FormatError::BadPart: return "bad-part";
        case FormatError::MixedFields: return "mixed-fields";
        case FormatError::BodyTooShort: return "body-too-short";
        case FormatError::BodyTooLarge: return "body-too-large";
        case FormatError::BadLiteral: return "bad-literal";
        case FormatError::BadArmor: return "bad-armor";
        case FormatError::BadPacket: return "bad-packet";
        case FormatError::PayloadTooLarge: return "payload-too-large";
    }
    return "unknown";
}

const char* describe(FormatError error) {
    switch (error) {
        case FormatError::HeaderTruncated: return "the mix header does not end with an empty line";
        case FormatError::HeaderTooLarge: return "the mix header is longer than its limit";
        case FormatError::HeaderLineTooLong: return "a mix header line is longer than its limit";
        case FormatError::HeaderTooManyFields: return "the mix header has too many fields";
        case FormatError::HeaderBadLine:
            return "a mix header line is not 'Name: value' in plain ASCII";
        case FormatError::HeaderDuplicateField: return "the mix header has a field twice";
        case FormatError::VerificationMisplaced:
            return "the Verification field is not the first line, spelled exactly";
        case FormatError::NotMixtasy: return "Remailer-Type is missing or not Mixtasy v1";
        case FormatError::BadAddress: return "a To or From field is not a plain mix address";
        case FormatError::BadMixtasyId: return "the Mixtasy-ID field is malformed";
        case FormatError::BadMixtasyType: return "the Mixtasy-Type field is unknown";
        case FormatError::BadPart: return "the Part field is missing, malformed or out of range";
        case FormatError::MixedFields:
            return "the header mixes the fields of an intermediate and a final message";
        case FormatError::BodyTooShort: return "the body is shorter than the Verification covers";
        case FormatError::BodyTooLarge: return "the body is larger than a mix message's";
        case FormatError::BadLiteral: return "the final payload is not a literal data packet";
        case FormatError::BadArmor: return "the body's armor cannot be decoded";
        case FormatError::BadPacket: return "the layer is not encrypted session keys and data";
        case FormatError::PayloadTooLarge: return "the original does not fit its parts";
    }
    return "the message is malformed";
}

}  // namespace mixtasy::core
