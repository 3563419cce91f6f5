#!/usr/bin/env bash
# FedAvg, FedProx, SCAFFOLD and FedLD in NIID-Bench's Fashion-MNIST setting (Dirichlet 0.5,
# 10 clients, CNN, 10 local epochs): prints each strategy's best and final test accuracy.
# The lake is $LOSSLAKE_LAKE (default ./lakehouse); extra arguments go to compare, e.g.
# --rounds 10 for a shorter run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
lake="${LOSSLAKE_LAKE:-./lakehouse}"
"$losslake" prepare --scheme dirichlet --alpha 0.5 --clients 10 --seed 1 --plan fmnist-dir0.5-c10 --lake "$lake"
"$losslake" compare --strategies fedavg,fedprox,scaffold,fedld --seeds 1 --federate-config "$here/niid-bench-fmnist-cnn.yaml" \
  --lake "$lake" "$@"
