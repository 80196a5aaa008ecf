#!/bin/bash
# After run.sh: the amendment's one point (docs/PREREGISTRATION-DIVERSITY.md).
while pgrep -f /tmp/gp-confirm/run.sh > /dev/null; do sleep 20; done
cd /work/main
echo "$(date -u +%H:%M:%S) run rejection sampling"
OMP_NUM_THREADS=2 /tmp/gp-confirm/research/genplat-research eval --model /tmp/gp-confirm/fashion-small-onnx --seed 3 --per-class 80 \
  --out docs/results/confirmation/capacity-small --budgets 3 --series "random(candidates-per-round=1):classifier@target=0.9" 2>&1 | grep -v "^\s*$" | tail -3
echo "$(date -u +%H:%M:%S) done"
