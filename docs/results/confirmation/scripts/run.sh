#!/bin/bash
# The pre-registered seed-3 runs (docs/PREREGISTRATION.md), one point per command; a point already in its folder's
# scaling.csv is not run again (resumable, and no point is run twice).
set -u
cd /work/main
R=/tmp/gp-confirm/research/genplat-research
G=/tmp/gp-confirm/cli/genplat
C=/work/main/docs/results/confirmation
export OMP_NUM_THREADS=2
log() { echo "$(date -u +%H:%M:%S) $*"; }
point() { # folder model per_class series budget
  local folder=$1 model=$2 per=$3 series=$4 budget=$5
  if [ -f "$folder/scaling.csv" ] && python3 - "$folder/scaling.csv" "$series" "$budget" <<'PY'
import csv,sys
rows=list(csv.DictReader(open(sys.argv[1])))
sys.exit(0 if any(r['series']==sys.argv[2] and r['extra_candidates']==sys.argv[3] for r in rows) else 1)
PY
  then log "skip $series +$budget in $folder"; return; fi
  log "run $series +$budget in $folder ($model, $per per class)"
  mkdir -p "$folder"
  $R eval --model "$model" --seed 3 --per-class $per --out "$folder" --budgets $budget --series "$series" 2>&1 | grep -v "^\s*$" | tail -3
  log "done $series +$budget"
}
[ -f /tmp/gp-confirm/fashion-small-onnx/model.json ] || $G export-onnx --model models/fashion-small --out /tmp/gp-confirm/fashion-small-onnx --check 64 2>&1 | tail -2
[ -f /tmp/gp-confirm/fashion-large-onnx/model.json ] || $G export-onnx --model models/fashion-large --out /tmp/gp-confirm/fashion-large-onnx --check 64 2>&1 | tail -2
V=$C/velocity-unet
point $V velocity-unet-onnx 32 "beam(ranking=noise-aware):classifier" 7
point $V velocity-unet-onnx 32 "random(candidates-per-round=2):classifier@target=0.975" 15
point $V velocity-unet-onnx 32 "beam(ranking=noise-aware):classifier" 3
point $V velocity-unet-onnx 32 "random:classifier" 3
point $V velocity-unet-onnx 32 "steps" 3
point $V velocity-unet-onnx 32 "steps" 0
point $V velocity-unet-onnx 32 "random:classifier" 0
point $V velocity-unet-onnx 32 "random:classifier" 15
point $C/capacity-large /tmp/gp-confirm/fashion-large-onnx 80 "random:classifier" 0
point $C/capacity-small /tmp/gp-confirm/fashion-small-onnx 80 "random:classifier" 0
point $C/capacity-small /tmp/gp-confirm/fashion-small-onnx 80 "random:classifier" 3
log "all done"
