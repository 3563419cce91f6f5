#!/usr/bin/env bash
# The learning-rate checks behind the reference IsoFLOP studies' rules (Adam, cosine schedule,
# D = C / FLOPs per example, one seed): MLP widths 16, 64 and 256 at C = 3e10 FLOPs and peak rates
# 3e-4 ... 1e-2 (conf/sweeps/fmnist-mlp-isoflop.yaml), CNNs with c = 4, 8 and 16 at C = 1e11 and
# rates 1e-3 ... 4e-2 (conf/sweeps/fmnist-cnn-isoflop.yaml). Prints each sweep's runs.
# Extra arguments (e.g. --lake) go to every command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$losslake" prepare --scheme iid --clients 10 --seed 1 --plan fmnist-iid-c10 "$@" > /dev/null
check() { # family budget models rates...
  local family="$1" budget="$2" models="$3"
  shift 3
  local lr
  for lr in "$@"; do
    cat > "$work/$family-$lr.yaml" <<YAML
name: isoflop-lr-$family-$lr
dataset: fashion-mnist
design: isoflop
compute-budgets: [$budget]
models: $models
seeds: [1]
checkpoints: 1
batch-size: 64
optimizer: adam
lr: $lr
schedule: cosine
eval-sample: 0
YAML
    echo "== $family, lr $lr"
    "$losslake" sweep --config "$work/$family-$lr.yaml" "${extra[@]}" | grep -E '^\['
  done
}
extra=("$@")
check mlp 3e10 '[mlp:16, mlp:64, mlp:256]' 0.0003 0.001 0.003 0.01
check cnn 1e11 '["cnn:4,8/32", "cnn:8,16/64", "cnn:16,32/128"]' 0.001 0.003 0.01 0.02 0.04
