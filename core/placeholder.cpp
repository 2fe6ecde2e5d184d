// Placeholder: an empty part still needs one translation unit.
