#!/bin/sh
# Unpacks a GPU bundle made by infra/gpu/bundle.sh: `sh unpack.sh PARTS_DIR DEST` on the GPU host (no .NET needed).
# Checks every part named in PARTS_DIR/MANIFEST (size and SHA-256; a missing or damaged part is named),
# joins them, checks the whole archive's SHA-256, extracts it into DEST (created; a non-empty DEST is refused) and
# prints how to run the apps against the host's PyTorch. Needs only a POSIX shell, cat, tar and sha256sum and xz;
# without xz (or sha256sum) it uses python3's lzma (or hashlib) module.
set -eu

NAME=genplat-bundle
ARCHIVE_NAME="$NAME.tar.xz"

fail() { echo "unpack.sh: $*" >&2; exit 1; }
[ "$#" -eq 2 ] || { echo "usage: sh unpack.sh PARTS_DIR DEST" >&2; exit 2; }
PARTS=$1
DEST=$2
MANIFEST="$PARTS/MANIFEST"

[ -d "$PARTS" ] || fail "$PARTS is not a folder"
[ -f "$MANIFEST" ] || fail "$MANIFEST is missing: copy it from the bundle with the parts"
grep -qx 'format 1' "$MANIFEST" || fail "$MANIFEST is not a bundle manifest this script reads (no 'format 1' line)"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d ' ' -f 1
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""): h.update(block)
print(h.hexdigest())' "$1"
  else fail "neither sha256sum nor python3 is here to check the parts"
  fi
}
bytes() { wc -c <"$1" | tr -d ' '; }
field() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$MANIFEST"; }

if [ -e "$DEST" ]; then
  [ -d "$DEST" ] || fail "$DEST exists and is not a folder"
  [ -z "$(ls -A "$DEST")" ] || fail "$DEST is not empty: give a new or empty folder"
fi

# Every part, each named when it is missing or damaged.
bad=0
count=0
while read -r kind name size sum; do
  [ "$kind" = part ] || continue
  count=$((count + 1))
  part="$PARTS/$name"
  if [ ! -f "$part" ]; then echo "missing part: $name" >&2; bad=1; continue; fi
  actual=$(bytes "$part")
  if [ "$actual" != "$size" ]; then echo "damaged part: $name is $actual bytes, the manifest says $size" >&2; bad=1; continue; fi
  actual=$(sha256 "$part")
  if [ "$actual" != "$sum" ]; then echo "damaged part: $name has SHA-256 $actual, the manifest says $sum" >&2; bad=1; continue; fi
  echo "part $name: ok"
done <"$MANIFEST"
[ "$count" -gt 0 ] || fail "$MANIFEST lists no parts"
[ "$bad" -eq 0 ] || fail "copy the parts named above again from the bundle, then rerun"

set -- $(field archive)
[ "$#" -eq 3 ] || fail "$MANIFEST has no 'archive NAME BYTES SHA256' line"
archive_bytes=$2
archive_sum=$3

mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
ARCHIVE="$DEST/.$ARCHIVE_NAME.joining"
done_ok=0
# On any failure DEST is emptied again (it was empty or new), so a rerun starts clean.
cleanup() { [ "$done_ok" -eq 1 ] || { rm -rf "$DEST"/* "$DEST"/.[!.]* 2>/dev/null || true; }; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

: >"$ARCHIVE"
awk '$1 == "part" { print $2 }' "$MANIFEST" | while read -r name; do cat "$PARTS/$name" >>"$ARCHIVE"; done
[ "$(bytes "$ARCHIVE")" = "$archive_bytes" ] || fail "the joined archive is $(bytes "$ARCHIVE") bytes, the manifest says $archive_bytes"
actual=$(sha256 "$ARCHIVE")
[ "$actual" = "$archive_sum" ] || fail "the joined archive has SHA-256 $actual, the manifest says $archive_sum"
echo "archive $ARCHIVE_NAME: ok ($archive_bytes bytes)"

# The decompressor's failure is noted in a file: a POSIX pipeline reports only tar's status.
failed="$DEST/.decompression-failed"
if command -v xz >/dev/null 2>&1; then
  { xz -dc "$ARCHIVE" || : >"$failed"; } | tar -xf - -C "$DEST"
elif command -v python3 >/dev/null 2>&1; then
  echo "xz is not here: decompressing with python3's lzma module"
  { python3 -c 'import lzma, shutil, sys
with lzma.open(sys.argv[1]) as f: shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)' "$ARCHIVE" || : >"$failed"; } | tar -xf - -C "$DEST"
else
  fail "neither xz nor python3 is here to decompress the archive (apt-get install xz-utils)"
fi
[ ! -e "$failed" ] || fail "decompressing $ARCHIVE_NAME failed (above)"
rm -f "$ARCHIVE"
for program in $(field apps); do
  [ -x "$DEST/$program" ] || fail "$program is missing from the unpacked bundle"
done
done_ok=1

# Where this host's PyTorch keeps libtorch, found without importing torch.
torch_lib=$(python3 -c 'import importlib.util, os
spec = importlib.util.find_spec("torch")
print(os.path.join(os.path.dirname(spec.origin), "lib") if spec and spec.origin else "")' 2>/dev/null || true)
[ -n "$torch_lib" ] && [ -d "$torch_lib" ] || torch_lib="/path/to/site-packages/torch/lib"

echo
echo "unpacked into $DEST: commit $(field commit), apps $(field apps), text encoder $(field text-encoder), ResNet-18 $(field resnet18)"
echo "The bundle carries no libtorch: the apps load PyTorch's, from the folder GENPLAT_LIBTORCH (or the configuration key"
echo "GenerationPlatform:Models:LibTorch, GenerationPlatform__Models__LibTorch in the environment) names."
echo "Check the network on this machine:"
echo "  GENPLAT_LIBTORCH=$torch_lib $DEST/genplat-bench model"
echo "Run a silo (docs/OPERATIONS.md lists its configuration keys):"
echo "  GENPLAT_LIBTORCH=$torch_lib $DEST/genplat-silo"
