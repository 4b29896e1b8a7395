// Package trust owns the trust store and OpenPGP signature verification:
// which public keys are trusted for which image names, and whether a
// detached signature over an image's bytes was made by one of them.
//
// # Layout
//
// The store keeps rkt's layout, so a directory written by one is read by
// the other:
//
//	DIR/root.d/FPR               trusted for every image name
//	DIR/prefix.d/PREFIX/FPR      trusted for PREFIX and the names under it
//
// FPR is the lowercase hex fingerprint of the key's primary key (40 digits
// for v4 keys, 64 for v6), and the file holds that public key, armored. A
// key found under a name that is not its fingerprint is an error, never a
// silent trust. Hidden files (a leading dot) are ignored: they are
// temporaries of writes in progress.
//
// There are two such directories: the writable local one (Store.Local, by
// default DefaultLocalDir) and a read-only vendor one (Store.Vendor, by
// default DefaultVendorDir) for keys a distribution ships. They are read in
// rkt's order: vendor root.d, local root.d, vendor prefix.d, local
// prefix.d; within prefix.d, shorter prefixes first. Each key file adds its
// key, and an empty file removes the key of that fingerprint read so far:
// that is how a local administrator distrusts a vendor key (Remove writes
// that empty file).
//
// # Prefixes
//
// A prefix is an AC identifier and matches whole path components: a key
// under prefix.d/example.com trusts example.com, example.com/app and
// example.com/app/sub, and a key under prefix.d/coreos.com/etc never trusts
// coreos.com/etcd (rkt matched by string prefix there; we do not).
//
// # Writes
//
// Every key file is written under a hidden temporary name in its directory,
// synced and renamed into place, so readers see a whole key or none, and
// concurrent writers need no lock: the last rename wins and each is whole.
// Nothing removes directories, so a concurrent add never loses the
// directory it is writing into.
//
// # Verification
//
// Signatures are checked with ProtonMail/go-crypto's openpgp/v2 and its
// default policy, which refuses SHA-1 message hashes and weak keys.
// Signatures may be armored or binary. A Verifier checks bytes as they
// arrive, without holding them.
//
// The package does not fetch keys or signatures (the tools and lib/fetch
// do) and does not decide when to ask a person to confirm a key.
package trust
