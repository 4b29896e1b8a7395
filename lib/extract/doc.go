// Package extract owns unpacking untrusted tar streams into a directory:
// one call per layer, so an image and its dependencies are rendered into
// the same root in order (appc DEP-3, DEP-4).
//
// Nothing outside the root is ever created, changed or followed, whatever
// the archive holds. Every parent directory is reached from a descriptor of
// the root, component by component or with openat2(RESOLVE_IN_ROOT |
// RESOLVE_NO_SYMLINKS), and the last component is handled by hand with the
// *at system calls on that parent's descriptor, never through a path
// string joined onto the root.
//
// The rules it keeps, where the formats leave a choice:
//
//   - Names. An absolute name, a name with a ".." component, a name longer
//     than 4095 bytes, and a non-directory whose name ends in "/" are
//     refused (ErrName), both as written in the archive and as Rename
//     returns them. Other names are cleaned, so "./a//b/" is "a/b". Control
//     characters are allowed, as Linux allows them; messages quote names.
//   - The root. A directory entry naming the root ("./", ".", or "" after
//     Rename) is ignored: the caller owns the root's mode, owner and times.
//     Any other type naming the root is refused (ErrRoot).
//   - Symlinks are created as they are; their targets are never read. An
//     entry at the path of an existing symlink replaces it (appc DEP-4). An
//     entry whose parent path passes through a symlink, or through anything
//     else that is not a directory, is refused (ErrParent): it is neither
//     followed nor replaced with a directory, as both would guess at what
//     the archive meant (appc G9). Missing parents are created 0755.
//   - Replacing. A later entry replaces an earlier one of any type, in the
//     same stream or an earlier layer; a directory over a directory merges
//     and takes the later metadata. A replaced directory is removed with
//     its contents through descriptors. A file is always created anew, so
//     writing one never writes through a symlink, a FIFO, a device or
//     another name of a file with several links.
//   - Hardlinks. The target goes through Rename too and must name a regular
//     file already in the tree, reached without symlinks; a target that is
//     missing, skipped, the entry itself, a directory, a symlink or a
//     device is refused (ErrHardlink, appc G10, G11). A hardlink entry's own
//     mode, owner and times are not applied: they belong to the target.
//   - Types. Regular files, directories, symlinks, hardlinks, character and
//     block devices and FIFOs. PAX global headers are skipped; GNU sparse
//     files (old or PAX), contiguous files and unknown typeflags are
//     refused (ErrType, appc G15).
//   - Metadata. Modes with setuid, setgid and sticky bits; numeric owners
//     and security.capability only when Privileged (chown comes before
//     chmod and the xattrs, because it clears both setuid and file
//     capabilities); user.* xattrs on files and directories; access and
//     modification times to the nanosecond (a missing access time is the
//     modification time). A directory's mode and times are set when the
//     stream ends, so a read-only directory can still be filled and its
//     contents do not change its mtime.
//   - Unprivileged, device nodes, owners and security.capability are
//     skipped and each is reported once through Options.Warn. Owner 0 and
//     the caller's own ids do not count as lost, since a rootless container
//     maps the caller to root. FIFOs are created either way. A directory
//     an earlier layer left read-only or unreadable is opened to its owner
//     while a later layer fills it, and its mode and times are put back.
//
// Files are not synced one by one; Sync flushes the root's filesystem once.
// Extract reads up to the archive's end-of-archive marker and no further,
// and a stream that ends without one is refused as truncated, even on a
// block boundary, where Go's reader alone would end quietly.
//
// It does not decompress (lib/aci), check an image's layout or manifest
// (lib/aci, lib/appc), or decide which layers to render (lib/bundle).
package extract
