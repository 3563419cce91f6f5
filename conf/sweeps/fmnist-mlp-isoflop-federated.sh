#!/usr/bin/env bash
# The federated IsoFLOP studies (IID and Dirichlet(0.3), FedAvg) end to end: the plans, the sweep
# (resumable) and the study, read together with the centralised study when it is in the lake
# (conf/sweeps/fmnist-mlp-isoflop.sh), so that the output compares federated exponents with
# centralised ones. Figures in ./isoflop-plots. Extra arguments go to every command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
"$losslake" prepare --scheme iid --clients 10 --seed 1 --plan fmnist-iid-c10 "$@"
"$losslake" prepare --scheme dirichlet --alpha 0.3 --clients 10 --seed 1 --plan fmnist-dir0.3-c10 "$@"
"$losslake" sweep --config "$here/fmnist-mlp-isoflop-federated.yaml" "$@"
"$losslake" study --sweep fmnist-mlp-isoflop,fmnist-mlp-isoflop-dense,fmnist-mlp-isoflop-federated --plots isoflop-plots "$@"
