package trust

import "errors"

// ErrUntrusted means the signature was made by a key that is not trusted
// for the image name. Errors that wrap it say which key and suggest the
// aci-trust command that would trust it.
var ErrUntrusted = errors.New("signing key not trusted")

// ErrBadSignature means the signature does not verify: the data or the
// signature was changed, the signature is malformed, or it uses an
// algorithm the policy refuses (SHA-1) or a key that was revoked or
// expired when it signed.
var ErrBadSignature = errors.New("bad signature")

// ErrSecretKey is returned for key material holding private keys, which a
// trust store never keeps.
var ErrSecretKey = errors.New("secret key material refused (export the public key with gpg --export)")

// ErrNotTrusted is returned by Remove when the key is not in the store for
// that prefix.
var ErrNotTrusted = errors.New("key not in the trust store")
