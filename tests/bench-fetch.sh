#!/usr/bin/env bash
# The fetch comparison the distribution issue asks for, in one hyperfine run:
# fetching the signed large ACI from a local TLS server and checking it, by
# hand (curl -o image and signature, gpg --verify, gzip -dc | sha512sum)
# against aci-fetch doing the same work (download, signature, ID, validation,
# store). Both read from the same server (tests/demo/serve), so the server's
# speed cancels out. Peak RSS of aci-fetch from /usr/bin/time.
# usage: tests/bench-fetch.sh BENCH_DIR   (the harness has built work/pack/large/actool.aci)
set -euo pipefail
dir=$1
root=$(cd "$(dirname "$0")/.." && pwd)
aci=$dir/work/pack/large/actool.aci
[ -f "$aci" ] || { echo "bench-fetch: $aci missing (run the harness's pack large first)" >&2; exit 1; }
w=$dir/work/fetch-ours; rm -rf "$w"; mkdir -p "$w/www" "$w/dl"
cp "$aci" "$w/www/large.aci"
export GNUPGHOME=$w/gnupg; mkdir -m 700 "$GNUPGHOME"
gpg --batch -q --passphrase '' --quick-gen-key 'Bench Signer <bench@example.com>' rsa3072 sign never
gpg --batch -q --armor --export bench@example.com > "$w/pubkey.asc"
gpg --batch --yes -q --armor --detach-sign -o "$w/www/large.aci.asc" "$w/www/large.aci"
go build -o "$w/serve" "$root/tests/demo/serve"
"$w/serve" -root "$w/www" -ca "$w/ca.pem" > "$w/ports" &
srv=$!
trap 'kill $srv 2>/dev/null; gpgconf --kill gpg-agent 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$w/ports" ] && break; sleep 0.1; done
export URLS=https://127.0.0.1:$(cut -d' ' -f1 "$w/ports") W=$w
export PATH=$root/bin:$PATH
byhand='curl -sSf --cacert "$W/ca.pem" -o "$W/dl/large.aci" "$URLS/large.aci" && curl -sSf --cacert "$W/ca.pem" -o "$W/dl/large.aci.asc" "$URLS/large.aci.asc" && gpg --batch -q --verify "$W/dl/large.aci.asc" "$W/dl/large.aci" 2>/dev/null && gzip -dc "$W/dl/large.aci" | sha512sum'
ours='aci-fetch -q --ca-file "$W/ca.pem" --trust-key "$W/pubkey.asc" --store "$W/dl/store" "$URLS/large.aci"'
# correctness first: the same ID both ways
eval "$byhand" | cut -c1-128 > "$w/byhand.id"; rm -rf "$w/dl"/*
eval "$ours" | sed 's/^sha512-//' > "$w/ours.id"; rm -rf "$w/dl"/*
cmp "$w/byhand.id" "$w/ours.id" || { echo "bench-fetch: IDs differ" >&2; exit 1; }
hyperfine --shell=bash --warmup 1 --runs "${RUNS:-7}" --prepare 'rm -rf "$W/dl"/*' \
  --export-json "$dir/results/fetch-ours.json" \
  -n 'by hand: curl + gpg --verify + gzip -dc | sha512sum' "$byhand" \
  -n 'aci-fetch (download, verify, ID, validate, store)' "$ours"
rm -rf "$w/dl"/*
/usr/bin/time -f 'aci-fetch peak RSS: %M KiB' bash -c "$ours" > /dev/null
python3 - "$dir/results/fetch-ours.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
hand, ours = r[0]["median"], r[1]["median"]
print(f"fetch large: by hand {hand:.2f} s, aci-fetch {ours:.2f} s: {ours/hand:.2f}x the by-hand time (target <= 0.6x)")
PY
