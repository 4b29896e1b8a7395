// Package aci owns reading and writing appc image archives (ACI): a tar of
// a "manifest" file and a "rootfs" directory, optionally compressed.
//
// It detects the compression of an archive by its magic bytes and undoes
// it (Decompress, with ReadAhead to overlap decompression with whatever
// consumes the stream), writes archives deterministically so the same tree
// always gives the same bytes, and reads archives as a stream to check
// their layout (CheckArchive, CheckDir) against the rules of the appc spec,
// more strictly than the reference actool: names are compared by path
// component, never by string prefix.
//
// It does not interpret the manifest (lib/appc) and does not compute image
// IDs (lib/imageid); it hands both the bytes they need.
package aci
