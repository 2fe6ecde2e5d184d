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

}  // namespace mixtasy::core
