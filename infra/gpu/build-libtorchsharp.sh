#!/usr/bin/env bash
# Builds TorchSharp's native glue, libLibTorchSharp.so, against a host's libtorch: for when the glue the TorchSharp package
# ships (built against libtorch 2.10) does not resolve against the host's (the silo's start-up check names the missing
# symbols, and `genplat-bench libtorch` prints them). Runs where the libtorch's headers and a compiler are: a GPU host with
# PyTorch has both (site-packages/torch/include, torch/share/cmake/Torch; CMake, ninja or make, g++, and nvcc for a CUDA libtorch).
#
#   infra/gpu/build-libtorchsharp.sh TORCHSHARP_SRC TORCH_DIR OUT [BUNDLE]
#
#   TORCHSHARP_SRC  TorchSharp's source tree at v0.107.0 (public on GitHub, dotnet/TorchSharp; the operator's copy, kept out of
#                   this repository): its src/Native is built. Another version's glue would not match TorchSharp.dll's imports.
#   TORCH_DIR       the libtorch to build against: PyTorch's site-packages/torch (include/, lib/, share/cmake/Torch/) or an
#                   unpacked libtorch archive (the same three folders).
#   OUT             where libLibTorchSharp.so is written (created); the build folder is OUT/build.
#   BUNDLE          optional: an unpacked bundle (infra/gpu/unpack.sh) whose libLibTorchSharp.so is replaced (the shipped
#                   one kept as libLibTorchSharp.so.prebuilt).
#
# Exit 2 with a line naming what is missing when an input is not what it should be; the compiler's own errors otherwise.
set -euo pipefail
usage="usage: infra/gpu/build-libtorchsharp.sh TORCHSHARP_SRC TORCH_DIR OUT [BUNDLE]"
[ $# -ge 3 ] && [ $# -le 4 ] || { echo "$usage" >&2; exit 2; }
SRC="$1" TORCH="$2" OUT="$3" BUNDLE="${4:-}"
fail() { echo "build-libtorchsharp: $*" >&2; exit 2; }

[ -f "$SRC/src/Native/LibTorchSharp/CMakeLists.txt" ] || fail "$SRC is not TorchSharp's source tree (no src/Native/LibTorchSharp/CMakeLists.txt)"
version="$(sed -n 's:.*<MajorVersion>\(.*\)</MajorVersion>.*:\1:p; s:.*<MinorVersion>\(.*\)</MinorVersion>.*:\1:p; s:.*<PatchVersion>\(.*\)</PatchVersion>.*:\1:p' \
  "$SRC/build/BranchInfo.props" 2>/dev/null | paste -sd. -)"
[ "$version" = "0.107.0" ] || fail "$SRC is TorchSharp ${version:-of unknown version} (build/BranchInfo.props); the bundle's TorchSharp.dll is 0.107.0: check out v0.107.0"
for need in include/torch/csrc/api/include/torch/torch.h include/ATen/ops lib/libtorch.so lib/libtorch_cpu.so lib/libc10.so share/cmake/Torch/TorchConfig.cmake; do
  [ -e "$TORCH/$need" ] || fail "$TORCH is not a libtorch with headers: it lacks $need (PyTorch's site-packages/torch has it; TorchSharp's NuGet packages do not)"
done
for tool in cmake c++; do command -v "$tool" >/dev/null || fail "$tool is not on PATH"; done
TORCH="$(cd "$TORCH" && pwd)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
BUILD="$OUT/build"
rm -rf "$BUILD"
mkdir -p "$BUILD"

# A copy of src/Native, so the operator's tree is not touched: without -Werror (the host's compiler may warn where
# TorchSharp's CI compiler did not), and with the version file its build.sh writes.
cp -r "$SRC/src/Native" "$BUILD/Native"
sed -i 's/add_definitions(-Werror)/# -Werror left out by build-libtorchsharp.sh/' "$BUILD/Native/CMakeLists.txt"
echo 'static char sccsid[] __attribute__((used)) = "@(#)libLibTorchSharp 0.107.0 built by GenerationPlatform infra/gpu/build-libtorchsharp.sh";' \
  > "$BUILD/version.c"

generator="Unix Makefiles"
command -v ninja >/dev/null && generator=Ninja
echo "TorchSharp $version from $SRC against $TORCH ($(python3 -c 'import sys; sys.path.insert(0, "'"$TORCH"'/.."); import torch.version as v; print(v.__version__)' 2>/dev/null || echo "version unknown")), $generator"
__CMakeBinDir="$OUT" cmake -S "$BUILD/Native" -B "$BUILD/obj" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
  -DLIBTORCH_PATH="$TORCH/share/cmake/Torch" -DCMAKE_PREFIX_PATH="$TORCH" -DVERSION_FILE_PATH="$BUILD/version.c" -DLIBTORCH_ARCH=x64
cmake --build "$BUILD/obj" --parallel "$(nproc)"
glue="$(find "$BUILD/obj" -name libLibTorchSharp.so -type f | head -n 1)"
[ -n "$glue" ] || fail "the build wrote no libLibTorchSharp.so"
cp "$glue" "$OUT/libLibTorchSharp.so"
echo "wrote $OUT/libLibTorchSharp.so ($(stat -c %s "$OUT/libLibTorchSharp.so") bytes)"
readelf -d "$OUT/libLibTorchSharp.so" | grep -E "NEEDED|RUNPATH|RPATH" || true
if [ -n "$BUNDLE" ]; then
  [ -f "$BUNDLE/libLibTorchSharp.so" ] || fail "$BUNDLE is not an unpacked bundle (no libLibTorchSharp.so)"
  [ -f "$BUNDLE/libLibTorchSharp.so.prebuilt" ] || cp "$BUNDLE/libLibTorchSharp.so" "$BUNDLE/libLibTorchSharp.so.prebuilt"
  cp "$OUT/libLibTorchSharp.so" "$BUNDLE/libLibTorchSharp.so"
  echo "installed into $BUNDLE (the shipped glue kept as libLibTorchSharp.so.prebuilt); check it: GENPLAT_LIBTORCH=$TORCH/lib $BUNDLE/genplat-bench libtorch"
fi
