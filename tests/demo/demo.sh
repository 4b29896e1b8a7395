#!/usr/bin/env bash
# make demo: build a sample image from nothing but this repository and run it
# through the pipeline as far as it exists: pack, validate, identify, sign
# (when gpg is here), unpack and re-identify from tar-split metadata.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=$PWD/bin:$PATH
out=${DEMO_OUT:-$PWD/demo-out}
rm -rf "$out"; mkdir -p "$out/hello/rootfs/bin"
step() { printf '\n$ %s\n' "$*" >&2; "$@"; }

echo "== a tiny static program as the image's rootfs"
CGO_ENABLED=0 go build -trimpath -o "$out/hello/rootfs/bin/hello" ./tests/demo/hello
cat > "$out/hello/manifest" <<JSON
{
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "example.com/hello",
  "labels": [
    {"name": "version", "value": "1.0.0"},
    {"name": "os", "value": "linux"},
    {"name": "arch", "value": "amd64"}
  ],
  "app": {
    "exec": ["/bin/hello"],
    "user": "0",
    "group": "0",
    "environment": [{"name": "GREETING", "value": "hi"}]
  },
  "annotations": [{"name": "created", "value": "2026-01-01T00:00:00Z"}]
}
JSON
export SOURCE_DATE_EPOCH=1767225600

echo "== package it (deterministic), check it, know its identity"
step aci-pack --id-file "$out/hello.aci.id" --tar-split "$out/hello.tsm" -o "$out/hello.aci" "$out/hello"
step aci-validate -v "$out/hello.aci"
step aci-id "$out/hello.aci" | tee "$out/hello.sums"
step aci-id --check "$out/hello.sums"
echo "ID written while packing: $(cat "$out/hello.aci.id")"
step aci-pack -o "$out/again.aci" "$out/hello"
step cmp "$out/hello.aci" "$out/again.aci" && echo "two packs are byte-identical"

if command -v gpg >/dev/null; then
  echo "== sign it as a publisher would (throwaway key)"
  export GNUPGHOME=$out/gnupg; mkdir -m 700 "$GNUPGHOME"
  gpg --batch -q --passphrase '' --quick-gen-key 'Demo Signer <demo@example.com>' ed25519 sign never
  step gpg --batch -q --armor --detach-sign -o "$out/hello.aci.asc" "$out/hello.aci"
  step gpg --batch -q --verify "$out/hello.aci.asc" "$out/hello.aci"
  gpgconf --kill gpg-agent 2>/dev/null || true
fi
if command -v actool >/dev/null; then
  step actool validate "$out/hello.aci" && echo "actool agrees: valid"
fi

echo "== unpack with GNU tar and prove the tree is still the image"
mkdir -p "$out/unpacked"
step tar -C "$out/unpacked" --numeric-owner -xzf "$out/hello.aci"
step aci-id --rootfs "$out/unpacked/rootfs" --tar-split "$out/hello.tsm"
step "$out/unpacked/rootfs/bin/hello"
echo; echo "demo done: artifacts in $out"
