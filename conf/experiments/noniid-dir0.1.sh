#!/usr/bin/env bash
# FedAvg vs FedLD vs FedProx on strongly non-IID Fashion-MNIST (Dirichlet 0.1, 20 clients, 50%
# sampling), 3 seeds each; prints mean and spread of best and final test accuracy.
# Extra arguments (e.g. --lake s3a://bucket/lake) go to both commands.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
"$losslake" prepare --scheme dirichlet --alpha 0.1 --clients 20 --seed 1 --plan fmnist-dir0.1-c20 "$@"
"$losslake" compare --strategies fedavg,fedld,fedprox --seeds 1,2,3 --federate-config "$here/noniid-dir0.1.yaml" "$@"
