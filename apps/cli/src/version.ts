/**
 * This Kiln's own version (the package version). The Packer version whose templates Kiln
 * implements is @kiln/template's KILN_PACKER_COMPAT_VERSION; this module stays free of imports so
 * that `kiln --version` loads nothing else.
 */
export const KILN_VERSION = '0.1.0';
