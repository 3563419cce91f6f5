#!/usr/bin/env bash
# The centralised MLP IsoFLOP study end to end: Fashion-MNIST prepared, its two sweeps (the widths of
# fmnist-mlp-isoflop.yaml over every budget, the widths between them over the fitted budgets in
# fmnist-mlp-isoflop-dense.yaml; both resumable) and 'losslake study' over the two as one setting, with
# figures in ./isoflop-plots. Extra arguments (e.g. --lake s3a://bucket/lake) go to every command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
"$losslake" prepare --scheme iid --clients 10 --seed 1 --plan fmnist-iid-c10 "$@"
"$losslake" sweep --config "$here/fmnist-mlp-isoflop.yaml" "$@"
"$losslake" sweep --config "$here/fmnist-mlp-isoflop-dense.yaml" "$@"
"$losslake" study --sweep fmnist-mlp-isoflop,fmnist-mlp-isoflop-dense --plots isoflop-plots "$@"
