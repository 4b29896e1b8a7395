// Package imageid owns appc image IDs: the "sha512-" + 128 lowercase hex
// form of the hash of an image's uncompressed tar (appc ID-1, ID-2), its
// short display form, hashing a possibly compressed image as a stream with
// decompression and hashing overlapped, checking sha512sum-style lists, and
// rebuilding the exact tar of an unpacked tree from tar-split metadata so a
// rendered tree can be proven to be the image it came from.
//
// It does not read manifests or check archive layout (lib/aci, lib/appc).
package imageid
