// Placeholder: an empty part still needs one translation unit; delete when the first real source lands.
