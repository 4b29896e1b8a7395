#!/usr/bin/env bash
# make demo: build a sample image from nothing but this repository and run it
# through the pipeline as far as it exists: pack, validate, identify, sign
# (when gpg is here), publish over HTTPS, discover, trust, fetch into a
# store, list and verify it, make an OCI bundle of it, validate it, run it
# under runc (as root), unpack and re-identify from tar-split metadata.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=$PWD/bin:$PATH
out=${DEMO_OUT:-$PWD/demo-out}
rm -rf "$out"; mkdir -p "$out/hello/rootfs/bin"
step() { printf '\n$ %s\n' "$*" >&2; "$@"; }

case $(uname -m) in x86_64) arch=amd64 ;; i?86) arch=i386 ;; *) arch=$(uname -m) ;; esac   # appc's names

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
    {"name": "arch", "value": "$arch"}
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
  fpr=$(gpg --batch --with-colons --fingerprint demo@example.com | awk -F: '/^fpr/{print $10; exit}')

  echo "== publish it as example.com would: a static HTTPS site with an appc discovery page"
  www=$out/www; mkdir -p "$www/hello" "$www/images/example.com"
  cp "$out/hello.aci" "$www/images/example.com/hello-1.0.0-linux-$arch.aci"
  cp "$out/hello.aci.asc" "$www/images/example.com/hello-1.0.0-linux-$arch.aci.asc"
  gpg --batch -q --armor --export demo@example.com > "$www/pubkeys.gpg"
  gpgconf --kill gpg-agent 2>/dev/null || true
  cat > "$www/hello/index.html" <<HTML
<!DOCTYPE html>
<html><head>
<meta name="ac-discovery" content="example.com/hello https://example.com/images/{name}-{version}-{os}-{arch}.{ext}">
<meta name="ac-discovery-pubkeys" content="example.com/hello https://example.com/pubkeys.gpg">
</head></html>
HTML
  # A throwaway server with a self-signed certificate for example.com, and a
  # CONNECT proxy in front of it so example.com reaches it without DNS.
  go build -o "$out/serve" ./tests/demo/serve
  "$out/serve" -root "$www" -ca "$out/ca.pem" > "$out/ports" &
  srv=$!; trap 'kill $srv 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [ -s "$out/ports" ] && break; sleep 0.1; done
  export HTTPS_PROXY=http://127.0.0.1:$(cut -d' ' -f2 "$out/ports")
  export INTERMODAL_STORE=$out/store INTERMODAL_TRUST_DIR=$out/trustedkeys INTERMODAL_VENDOR_TRUST_DIR=$out/no-vendor-keys

  echo "== find it by name, trust its publisher's key, fetch it verified into a store"
  step aci-discover --ca-file "$out/ca.pem" example.com/hello:1.0.0
  step aci-trust add --ca-file "$out/ca.pem" --prefix example.com/hello --fingerprint "$fpr"
  id=$(step aci-fetch --ca-file "$out/ca.pem" example.com/hello:1.0.0)
  echo "$id"
  [ "$id" = "$(cat "$out/hello.aci.id")" ] && echo "fetched ID = packed ID"
  step aci-store list
  step aci-store verify
  step aci-store export -o "$out/exported.aci" "$id"
  step cmp "$out/hello.aci" "$out/exported.aci" && echo "exported image is byte-identical to the published one"

  echo "== turn the stored image into an OCI runtime bundle, check it, prove its tree is the image"
  step aci-bundle "$id" "$out/bundle"
  step bundle-validate --host-specific "$out/bundle"
  step aci-id --rootfs "$out/bundle/rootfs" --tar-split "$out/bundle/image.tsm"
  if command -v runc >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "== run it under runc"
    step runc --root "$out/runc" run -b "$out/bundle" "demo-$$"
  else
    echo "(runc not installed or not root: skipping the run)"
  fi
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
