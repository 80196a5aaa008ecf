#!/usr/bin/env bash
# GPU check (issue "Models as data", item 7): on a machine with an NVIDIA GPU and the .NET 10 SDK, from the repository
# root: `infra/gpu-check.sh`. Builds the GPU variant (-p:GenPlatAccelerator=cuda: Microsoft.ML.OnnxRuntime.Gpu.Linux,
# TorchSharp on its CPU package) into its own artifacts folder, shows what the CUDA execution provider links against and
# what of it is missing, then runs `genplat-bench model --backend onnx --device cuda` and the ONNX parity tests on the GPU
# (GENPLAT_TEST_DEVICE=cuda: the sessions ask for CUDA and fail, with ONNX Runtime's reason, instead of falling back).
# Every step runs even when an earlier one fails; the summary at the end lists each step's outcome. Exit 0 only when all pass.
#
# Environment: GENPLAT_GPU_ARTIFACTS (default /tmp/genplat-gpu) for the build output, GENPLAT_BENCH_SECONDS (default 2)
# per bench point, GENPLAT_BENCH_BATCHES (default 1,8,64,256,1024). Add CUDA 13 / cuDNN 9 libraries that live elsewhere
# (a PyTorch wheel's nvidia/*/lib folders, say) to LD_LIBRARY_PATH before running; the script prints what it finds.
set -u -o pipefail

cd "$(dirname "$0")/.."
ARTIFACTS="${GENPLAT_GPU_ARTIFACTS:-/tmp/genplat-gpu}"
SECONDS_PER_POINT="${GENPLAT_BENCH_SECONDS:-2}"
BATCHES="${GENPLAT_BENCH_BATCHES:-1,8,64,256,1024}"
declare -a SUMMARY=()
FAILED=0

step() { echo; echo "=== $* ==="; }
record() { # name, exit code
  if [ "$2" -eq 0 ]; then SUMMARY+=("PASS  $1"); else SUMMARY+=("FAIL  $1 (exit $2)"); FAILED=1; fi
}

step "machine"
uname -a
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1
  nvidia-smi 2>&1 | grep -m1 "CUDA Version" || true
else
  echo "nvidia-smi: not found (no NVIDIA driver visible)"
fi
dotnet --version 2>&1 || { echo "the .NET SDK is missing: install .NET 10 and rerun"; exit 2; }
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
echo "CUDA and cuDNN libraries the loader knows (ldconfig -p):"
ldconfig -p 2>/dev/null | grep -E "libcudart\.so|libcublas(Lt)?\.so|libcurand\.so|libcudnn\.so|libcuda\.so" | sed 's/^/  /' || echo "  none"

step "build the GPU variant (-p:GenPlatAccelerator=cuda) into $ARTIFACTS"
BUILD_ARGS=(-c Release -p:GenPlatAccelerator=cuda -p:UseArtifactsOutput=true "-p:ArtifactsPath=$ARTIFACTS")
dotnet build tests/GenerationPlatform.Onnx.Tests "${BUILD_ARGS[@]}" 2>&1 | tail -n 20
record "build tests/GenerationPlatform.Onnx.Tests (GPU variant)" "${PIPESTATUS[0]}"
dotnet build src/GenerationPlatform.Bench "${BUILD_ARGS[@]}" 2>&1 | tail -n 20
record "build src/GenerationPlatform.Bench (GPU variant)" "${PIPESTATUS[0]}"

step "the CUDA execution provider's libraries"
PROVIDER="$(find "$ARTIFACTS/bin" -name libonnxruntime_providers_cuda.so 2>/dev/null | head -n 1)"
if [ -z "$PROVIDER" ]; then
  echo "libonnxruntime_providers_cuda.so is not in the build output: the GPU package did not restore"
  record "CUDA provider present" 1
else
  echo "$PROVIDER"
  echo "NEEDED:"; readelf -d "$PROVIDER" 2>/dev/null | grep NEEDED | sed 's/^/  /'
  echo "ldd:"; ldd "$PROVIDER" 2>&1 | sed 's/^/  /'
  MISSING="$(ldd "$PROVIDER" 2>&1 | grep "not found" | awk '{print $1}' | tr '\n' ' ')"
  # cuDNN is opened at run time (dlopen), not linked: look for it too.
  if ! ldconfig -p 2>/dev/null | grep -q "libcudnn\.so\.9" && ! { [ -n "${LD_LIBRARY_PATH:-}" ] && find ${LD_LIBRARY_PATH//:/ } -maxdepth 1 -name "libcudnn.so.9*" 2>/dev/null | grep -q .; }; then
    MISSING="$MISSING libcudnn.so.9(dlopen)"
  fi
  if [ -n "${MISSING// /}" ]; then
    echo "MISSING: $MISSING"
    echo "(ONNX Runtime 1.31.0's CUDA provider links the CUDA 13 runtime and cuBLAS 13 and opens cuDNN 9; a PyTorch install for CUDA 13"
    echo " carries them under site-packages/nvidia/*/lib: add those folders to LD_LIBRARY_PATH.)"
    # Where they might be: PyTorch's wheels.
    for lib in $MISSING; do
      base="${lib%%(*}"
      found="$(timeout 60 find / -xdev -name "$base*" -path "*nvidia*" 2>/dev/null | head -n 3 | tr '\n' ' ')"
      [ -n "$found" ] && echo "  $base found at: $found"
    done
    record "CUDA provider libraries all found" 1
  else
    echo "all linked libraries found"
    record "CUDA provider libraries all found" 0
  fi
fi

GENPLAT="$(find "$ARTIFACTS/bin" -path "*GenerationPlatform.Bench*" -name genplat-bench.dll 2>/dev/null | head -n 1)"
step "genplat-bench carries the GPU package's libonnxruntime.so"
if [ -n "$GENPLAT" ]; then
  CORE="$(dirname "$GENPLAT")/runtimes/linux-x64/native/libonnxruntime.so"
  GPU_CORE="$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.onnxruntime.gpu.linux" -path "*linux-x64/native/libonnxruntime.so" 2>/dev/null | head -n 1)"
  if [ -f "$CORE" ] && [ -n "$GPU_CORE" ] && cmp -s "$CORE" "$GPU_CORE"; then
    echo "$CORE is $GPU_CORE"; record "genplat-bench's libonnxruntime.so is the GPU build's" 0
  else
    echo "$CORE is not the GPU package's ($GPU_CORE): the CPU package's natives won the copy (see Directory.Packages.props)"
    record "genplat-bench's libonnxruntime.so is the GPU build's" 1
  fi
fi

step "genplat-bench model --backend onnx --device cuda"
if [ -n "$GENPLAT" ]; then
  dotnet "$GENPLAT" model --backend onnx --device cuda --seconds "$SECONDS_PER_POINT" --batches "$BATCHES" 2>&1
  record "bench model --backend onnx --device cuda" "$?"
  step "genplat-bench model --backend onnx --device cpu (same machine, for comparison)"
  dotnet "$GENPLAT" model --backend onnx --device cpu --seconds "$SECONDS_PER_POINT" --batches 1,64,256 2>&1
  record "bench model --backend onnx --device cpu" "$?"
else
  echo "genplat-bench.dll was not built"
  record "bench model --backend onnx --device cuda" 1
fi

step "ONNX parity tests on the GPU (GENPLAT_TEST_DEVICE=cuda)"
TESTS="$(find "$ARTIFACTS/bin" -path "*GenerationPlatform.Onnx.Tests*" -name GenerationPlatform.Onnx.Tests.dll 2>/dev/null | head -n 1)"
if [ -n "$TESTS" ]; then
  GENPLAT_TEST_DEVICE=cuda dotnet test "$TESTS" --filter "FullyQualifiedName~ExportParityTests" --logger "console;verbosity=detailed" 2>&1 \
    | grep -vE "^\s*$" | tail -n 60
  record "ONNX parity tests on CUDA" "${PIPESTATUS[0]}"
else
  echo "GenerationPlatform.Onnx.Tests.dll was not built"
  record "ONNX parity tests on CUDA" 1
fi

step "summary"
printf '%s\n' "${SUMMARY[@]}"
exit "$FAILED"
