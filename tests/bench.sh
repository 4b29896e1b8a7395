#!/usr/bin/env bash
# make bench: time our tools against the peers in the same run, with the
# shared harness (hyperfine; peak RSS from /usr/bin/time). Our tools are the
# "intermodal" column of each group: aci-pack vs actool build and tar|pigz -p 2,
# aci-id vs gzip|sha512sum and pigz|sha512sum, aci-validate vs actool validate,
# aci-fetch vs curl + gpg --verify (+ gzip -dc | sha512sum in bench-fetch.sh),
# aci-bundle vs umoci unpack and tar -xzf (bench-bundle.sh), bundle-validate.
# usage: tests/bench.sh HARNESS BENCH_DIR CASE...
set -euo pipefail
harness=$1 dir=$2; shift 2
cases=("$@")
[ -x "$harness" ] || { echo "bench: harness $harness not found (set BENCH_HARNESS)" >&2; exit 1; }
# the harness records every peer's version and stops if one is missing
peers="appc-spec runc crun umoci skopeo busybox-static pigz gzip tar hyperfine nginx-light curl gnupg openssl coreutils"
dpkg-query -W $peers >/dev/null 2>&1 || { echo "bench: the harness needs these Debian packages: apt-get install $peers" >&2; exit 1; }
export BENCH_DIR=$dir PATH=$(cd "$(dirname "$0")/.." && pwd)/bin:$PATH
for c in "${cases[@]}"; do
  [ -d "$dir/inputs/$c/rootfs" ] || "$(dirname "$harness")/make-inputs.sh" "$c"
done
export OURS_NAME=intermodal
export OURS_PACK='aci-pack --overwrite -o "$O" "$D"'
export OURS_ID='aci-id "$A"'
export OURS_VALIDATE='aci-validate "$A"'
"$harness" pack "${cases[@]}"
"$harness" id "${cases[@]}"
export OURS_FETCH='aci-fetch -q --ca-file "$CACERT" --trust-key "$PUBKEY" --store "$DL/store" "$URLS/large.aci"'
case " ${cases[*]} " in *" large "*)
  "$harness" fetch                                   # vs curl, curl+gpg, behind nginx
  "$(dirname "$0")/bench-fetch.sh" "$dir"            # vs the whole job by hand, same run
  "$(dirname "$0")/bench-bundle.sh" "$dir" ;;        # vs umoci unpack and tar -xzf
esac
# bundle-validate on a typical config (runc's default), whole process
if command -v runc >/dev/null; then
  v=$dir/work/validate; rm -rf "$v"; mkdir -p "$v/rootfs"
  (cd "$v" && runc spec)
  hyperfine -N --warmup 5 --runs 200 "bundle-validate $v" 2>&1 | grep -E 'Time|Range'
fi
"$harness" report
