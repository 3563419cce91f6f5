#!/usr/bin/env bash
# The Fashion-MNIST compute-budget sweep end to end: prepare the federated plan, run the sweep
# (resumable), fit Chinchilla and power laws per mode, the loss-to-loss map from centralised to
# federated training, and draw the figures into ./sweep-plots. Extra arguments (e.g.
# --lake s3a://bucket/lake) go to every command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
"$losslake" prepare --scheme dirichlet --alpha 0.3 --clients 20 --seed 1 --plan fmnist-dir0.3-c20 "$@"
"$losslake" sweep --config "$here/fmnist-mlp.yaml" "$@"
"$losslake" fit --table sweep_points --where "sweep = 'fmnist-mlp' AND eval_set = 'test'" --group-by mode \
    --form chinchilla,power --extrapolate-fraction 0.2 --plots sweep-plots "$@"
"$losslake" fit-l2l --table sweep_points --where "sweep = 'fmnist-mlp' AND eval_set = 'test'" \
    --side-column mode --x-side centralised --y-side federated --pair-by model,data_budget,step --translate --plots sweep-plots "$@"
