#!/usr/bin/env bash
# The bundle comparison issue 4 asks for, in one hyperfine run: the large
# ACI (~317 MB of /usr) turned into a runtime bundle by aci-bundle, against
# umoci unpack of the same tree as an OCI layout, and tar -xzf of the ACI
# (the floor: it extracts and does nothing else). aci-bundle also hashes the
# image, checks its layout, records tar-split metadata and writes
# config.json; it runs twice, with its default final flush to disk (syncfs)
# and with --no-sync (what tar and umoci do). Peak RSS from /usr/bin/time.
# Targets: aci-bundle >= 3x faster than umoci unpack, <= 1.3x tar -xzf.
# usage: tests/bench-bundle.sh BENCH_DIR   (the harness has run pack large)
# BUNDLE_DEST=DIR puts the three outputs elsewhere (a tmpfs such as
# /dev/shm/x takes the disk out of the comparison); RUNS=5; BENCH_ACI=ours.aci
# or actool.aci (manifest last).
set -euo pipefail
dir=$1
root=$(cd "$(dirname "$0")/.." && pwd)
aci=$dir/work/pack/large/${BENCH_ACI:-ours.aci}
tree=$dir/inputs/large/rootfs
[ -f "$aci" ] || { echo "bench-bundle: $aci missing (run the harness's pack large first)" >&2; exit 1; }
command -v umoci >/dev/null || { echo "bench-bundle: umoci is not installed (apt-get install umoci)" >&2; exit 1; }
export W=$dir/work/bundle-ours A=$aci PATH=$root/bin:$PATH
export D=${BUNDLE_DEST:-$W}
mkdir -p "$W" "$D" "$dir/results"
# The OCI layout umoci unpacks: one layer holding the same tree, built once.
if [ ! -f "$W/oci.done" ]; then
  rm -rf "$W/oci"
  umoci init --layout "$W/oci" && umoci new --image "$W/oci:large"
  umoci insert --image "$W/oci:large" "$tree" / >/dev/null
  touch "$W/oci.done"
fi
# The image's own exec is /bin/sh, which this tree (only /usr) lacks.
ours='aci-bundle -q "$A" "$D/bundle" -- sh -c "echo hi"'
# correctness first: the bundle is the image, and holds what tar extracts
rm -rf "$D/bundle" "$D/tx"; mkdir "$D/tx"
eval "$ours" > /dev/null
tar -C "$D/tx" -xzf "$A"
[ "$(aci-id --rootfs "$D/bundle/rootfs" --tar-split "$D/bundle/image.tsm" | cut -d' ' -f1)" = "$(cat "$D/bundle/image-id")" ] ||
  { echo "bench-bundle: the bundle's rootfs does not rebuild the image" >&2; exit 1; }
diff -r --no-dereference "$D/tx/rootfs" "$D/bundle/rootfs" > /dev/null ||
  { echo "bench-bundle: the bundle's rootfs differs from tar's" >&2; exit 1; }
hyperfine --shell=bash --warmup 1 --runs "${RUNS:-5}" \
  --prepare 'rm -rf "$D/bundle" "$D/ub" "$D/tx"; mkdir "$D/tx"; sync' \
  --export-json "$dir/results/bundle-ours.json" \
  -n 'umoci unpack (OCI layout, same tree)' 'umoci unpack --image "$W/oci:large" "$D/ub" > /dev/null' \
  -n 'tar -xzf (the floor)' 'tar -C "$D/tx" -xzf "$A"' \
  -n 'aci-bundle (synced)' "$ours" \
  -n 'aci-bundle --no-sync' "${ours/aci-bundle -q/aci-bundle -q --no-sync}"
rm -rf "$D/bundle" "$D/ub" "$D/tx"
/usr/bin/time -f 'aci-bundle peak RSS: %M KiB' bash -c "$ours" > /dev/null
rm -rf "$D/bundle"
python3 - "$dir/results/bundle-ours.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
umoci, tar = r["umoci unpack (OCI layout, same tree)"], r["tar -xzf (the floor)"]
for name in ("aci-bundle (synced)", "aci-bundle --no-sync"):
    t = r[name]
    print(f"bundle large: {name} {t:.2f} s: {umoci/t:.2f}x faster than umoci unpack ({umoci:.2f} s; target >= 3x), "
          f"{t/tar:.2f}x tar -xzf ({tar:.2f} s; target <= 1.3x)")
PY
