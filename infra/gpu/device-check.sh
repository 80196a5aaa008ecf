#!/usr/bin/env bash
# The GPU check (issue 20): one run of at most 8 minutes on an H100 or H200 host that has PyTorch and no .NET. From the
# repository root: `infra/gpu/device-check.sh PARTS OUT`, where PARTS holds the bundle's parts and manifest
# (infra/gpu/bundle.sh) and OUT receives what comes back: at most 8 files, no subfolders (the device tool's limits).
#   libtorch.txt  the symbol check of TorchSharp's glue against the host's libtorch, its version, CUDA, the GPUs
#   parity.txt    CPU against CUDA: float32 velocities on 64 inputs (target 1e-3), a seeded generate's pixels (target 2/255)
#   model.txt     images/s by batch against the same run's matmul ceilings (float32, TF32, bfloat16), velocity-unet and fashion-large,
#                 and the batch cap each curve gives
#   platform.txt  genplat-bench platform on the GPU: the platform against the bare loop at the cap the denoiser measures there
#   search.txt    one search through gRPC on a silo serving velocity-unet on the GPU, and the silo's genplat_libtorch_info
#   summary.md    each step's outcome and seconds; device-check.log, everything printed
#   build-glue.txt  only when the shipped glue does not resolve against the host's libtorch and TorchSharp's source was
#                 carried along: infra/gpu/build-libtorchsharp.sh's build of the glue against it, installed into the bundle
# Every step runs even when an earlier one fails, each under its own time limit. Exit 0 only when all pass.
#
# Environment: GENPLAT_LIBTORCH (default: the torch/lib of the python3 on PATH), GENPLAT_CHECK_DEVICE (default cuda; cpu runs
# the same steps on the CPU, which is how the script itself is tested where there is no GPU), GENPLAT_BUNDLE_DIR (default
# .gpu-stage/bundle: where the bundle is unpacked; an unpacked bundle of the same manifest is kept), GENPLAT_CHECK_QUICK=1
# (short figures, for that test).
set -u -o pipefail
cd "$(dirname "$0")/../.."
PARTS="${1:?usage: infra/gpu/device-check.sh PARTS OUT}"
OUT="${2:?usage: infra/gpu/device-check.sh PARTS OUT}"
DEVICE="${GENPLAT_CHECK_DEVICE:-cuda}"
BUNDLE="${GENPLAT_BUNDLE_DIR:-.gpu-stage/bundle}"
QUICK="${GENPLAT_CHECK_QUICK:-0}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
exec > >(tee "$OUT/device-check.log") 2>&1
declare -a SUMMARY=()
FAILED=0
START=$(date +%s)

step() { echo; echo "=== $* ($(( $(date +%s) - START )) s) ==="; }
# run NAME SECONDS FILE COMMAND...: the command under a time limit, its output appended to FILE and shown.
run() {
  local name="$1" limit="$2" file="$3"; shift 3
  local began; began=$(date +%s)
  echo "\$ $*" | tee -a "$OUT/$file"
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$OUT/$file"
  local rc="${PIPESTATUS[0]}" took=$(( $(date +%s) - began ))
  if [ "$rc" -eq 0 ]; then SUMMARY+=("| $name | pass | $took |"); else SUMMARY+=("| $name | FAIL (exit $rc$([ "$rc" -eq 124 ] && echo ", over ${limit} s")) | $took |"); FAILED=1; fi
  return "$rc"
}

step "machine"
uname -a
date -u
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm --format=csv 2>&1
  nvidia-smi 2>&1 | grep -m1 "CUDA Version" || true
else
  echo "nvidia-smi: not found"
fi
if [ -z "${GENPLAT_LIBTORCH:-}" ]; then
  GENPLAT_LIBTORCH="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)"
fi
if [ -z "$GENPLAT_LIBTORCH" ] || [ ! -f "$GENPLAT_LIBTORCH/libtorch.so" ]; then
  echo "no libtorch folder: set GENPLAT_LIBTORCH to one (PyTorch's site-packages/torch/lib), or put a python3 with torch on PATH"
  exit 2
fi
export GENPLAT_LIBTORCH
echo "GENPLAT_LIBTORCH=$GENPLAT_LIBTORCH"
python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 || true

step "unpack the bundle into $BUNDLE"
if [ -f "$BUNDLE/.manifest" ] && cmp -s "$BUNDLE/.manifest" "$PARTS/MANIFEST"; then
  echo "already unpacked from the same manifest"
  SUMMARY+=("| unpack | kept | 0 |")
else
  rm -rf "$BUNDLE"
  run "unpack" 120 unpack.txt infra/gpu/unpack.sh "$PARTS" "$BUNDLE" && cp "$PARTS/MANIFEST" "$BUNDLE/.manifest"
  rm -f "$OUT/unpack.txt" # in device-check.log; the files that come back are few
fi
B="$(cd "$BUNDLE" && pwd)"
du -sh "$B" 2>/dev/null

step "the host's libtorch: symbol check, version, CUDA, GPUs"
if ! run "libtorch" 60 libtorch.txt "$B/genplat-bench" libtorch && grep -q "symbols no library defines" "$OUT/libtorch.txt"; then
  # The shipped glue (built against libtorch 2.10) misses symbols of this libtorch: build it against this one, from
  # TorchSharp's v0.107.0 source when it was carried along (.gpu-stage/TorchSharp, or GENPLAT_TORCHSHARP_SRC), and check again.
  TS_SRC="${GENPLAT_TORCHSHARP_SRC:-.gpu-stage/TorchSharp}"
  if [ -d "$TS_SRC" ]; then
    step "build TorchSharp's glue against the host's libtorch"
    run "build the glue" 300 build-glue.txt infra/gpu/build-libtorchsharp.sh "$TS_SRC" "$(dirname "$GENPLAT_LIBTORCH")" .gpu-stage/glue "$B" \
      && run "libtorch, rebuilt glue" 60 libtorch.txt "$B/genplat-bench" libtorch
  else
    echo "no TorchSharp source at $TS_SRC to build the glue from (docs/BENCHMARKS.md, GPU over the host's libtorch)"
  fi
fi

step "parity: CPU against $DEVICE"
if [ "$DEVICE" = cuda ]; then
  run "parity velocity-unet" 120 parity.txt "$B/genplat-bench" parity --model velocity-unet --inputs 64 --images 8
  run "parity fashion-large" 120 parity.txt "$B/genplat-bench" parity --model fashion-large --inputs 64 --images 8
else
  echo "parity compares the CPU with CUDA: skipped on $DEVICE" | tee -a "$OUT/parity.txt"
fi

step "images/s by batch against the matmul ceilings on $DEVICE, and the batch cap"
if [ "$QUICK" = 1 ]; then SECS=0.3; BATCHES=1,4; else SECS=1.5; BATCHES=1,2,4,8,16,32,64,128,256,512,1024,2048,4096; fi
run "model velocity-unet" 150 model.txt "$B/genplat-bench" model --device "$DEVICE" --seconds "$SECS" --batches "$BATCHES"
run "model fashion-large" 150 model.txt "$B/genplat-bench" model --device "$DEVICE" --seconds "$SECS" --batches "$BATCHES" \
  --model "$B/Models/fashion-large/velocity-unet-large.safetensors"

step "the platform against the bare loop on $DEVICE, at the cap the denoiser measures"
if [ "$QUICK" = 1 ]; then PLATFORM=(--jobs 2 --samples 1 --steps 1 --repeat 1 --warmup 0 --max-batch 16); else PLATFORM=(--repeat 2); fi
# Its hosts serve the shipped velocity-unet only (the bare loop's model), not every model folder of the bundle.
GenerationPlatform__Models__Folders__0="$B/Models/velocity-unet" \
  run "platform" 200 platform.txt "$B/genplat-bench" platform --device "$DEVICE" "${PLATFORM[@]}"

step "one search through gRPC on a silo serving velocity-unet on $DEVICE"
SILO_LOG="$(mktemp)"
KEY="gpu-check-$(date +%s)"
GenerationPlatform__Models__Device="$DEVICE" GenerationPlatform__Models__Folders__0="$B/Models/velocity-unet" \
  "$B/genplat" serve --port 5080 --http-port 5081 --results "$(mktemp -d)" --dev-tenant "gpu:$KEY" > "$SILO_LOG" 2>&1 &
SILO=$!
ready=1
for _ in $(seq 1 90); do
  if curl -fsS http://127.0.0.1:5081/healthz/ready >/dev/null 2>&1; then ready=0; break; fi
  kill -0 "$SILO" 2>/dev/null || break
  sleep 1
done
cat "$SILO_LOG" | tee -a "$OUT/search.txt"
if [ "$ready" -ne 0 ]; then
  echo "the silo did not become ready in 90 s" | tee -a "$OUT/search.txt"
  SUMMARY+=("| search through gRPC | FAIL (silo not ready) | 90 |")
  FAILED=1
else
  GENPLAT_ADDRESS=http://127.0.0.1:5080 GENPLAT_API_KEY="$KEY" \
    run "search through gRPC" 120 search.txt "$B/genplat" submit --model velocity-unet --class Sneaker --budget-nfe 400 --top-k 4 --seed 1 \
    --wait --out "$(mktemp -d)/search"
  curl -fsS http://127.0.0.1:5081/metrics 2>&1 | grep -E "^genplat_libtorch_info|^genplat_silo_up" | tee -a "$OUT/search.txt"
fi
# SIGTERM: a background job of a script ignores SIGINT. The silo drains and leaves; killed if it has not within 30 s.
kill -TERM "$SILO" 2>/dev/null
for _ in $(seq 1 30); do kill -0 "$SILO" 2>/dev/null || break; sleep 1; done
kill -KILL "$SILO" 2>/dev/null
wait "$SILO" 2>/dev/null
rm -f "$SILO_LOG"

step "summary"
{
  echo "# GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), device $DEVICE, $(( $(date +%s) - START )) s in all"
  echo
  echo "libtorch: $GENPLAT_LIBTORCH"
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/GPU: /'
  echo
  echo "| step | outcome | seconds |"
  echo "|---|---|---|"
  printf '%s\n' "${SUMMARY[@]}"
} | tee "$OUT/summary.md"
exit "$FAILED"
