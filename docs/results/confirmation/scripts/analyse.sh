#!/bin/bash
# The pre-registered tests (docs/PREREGISTRATION.md) and the amendment's comparisons, with the tool of the pre-registration.
cd /work/main
R=/tmp/gp-confirm/research/genplat-research
C=docs/results/confirmation
V=$C/velocity-unet
S=$C/capacity-small
L=$C/capacity-large
echo "## H1"; $R compare-points --a "$V/beam(ranking=noise-aware):classifier+7" --b "$V/random:classifier+15" --margin 0.002
echo "## H2"; $R compare-points --a "$V/random(candidates-per-round=2):classifier@target=0.975+15" --b "$V/random:classifier+15" --margin 0.002
echo "## H3"; $R compare-points --a "$V/beam(ranking=noise-aware):classifier+3" --b "$V/random:classifier+15" --margin 0.002
echo "## H3 frontier: random +3"; $R compare-points --a "$V/random:classifier+3" --b "$V/random:classifier+15" --margin 0.002
echo "## H4"; $R compare-points --a $S/random:classifier+3 --b $L/random:classifier+0
echo "## H4 small+0 vs large"; $R compare-points --a $S/random:classifier+0 --b $L/random:classifier+0
echo "## H5"; $R compare-points --a $V/random:classifier+3 --b $V/steps+3
echo "## H5 steps+3 vs +0"; $R compare-points --a $V/steps+3 --b $V/steps+0
echo "## D rejection vs bo4"; $R compare-points --a "$S/random(candidates-per-round=1):classifier@target=0.9+3" --b $S/random:classifier+3
echo "## D rejection vs small+0"; $R compare-points --a "$S/random(candidates-per-round=1):classifier@target=0.9+3" --b $S/random:classifier+0
echo "## D rejection vs large"; $R compare-points --a "$S/random(candidates-per-round=1):classifier@target=0.9+3" --b $L/random:classifier+0
