#!/usr/bin/env bash
# FedLD (Zeng et al. 2024) against its own claims, 3 seeds each on fedld-ablation.yaml's setting:
#   fedavg                                   the baseline
#   fedld                                    margin control + principal-gradient aggregation
#   fedld --margin-lambda 0                  principal gradients alone
#   fedld --aggregation mean                 margin control alone (uniform mean of the deltas)
#   fedld --margin-lambda 0 --aggregation mean   neither: the uniform mean of plain cross-entropy deltas
# Each compare prints best and final test accuracy and the decomposition's shift and aggregation
# losses (mean ± sd over seeds). The lake is $LOSSLAKE_LAKE (default ./lakehouse); extra arguments
# go to every command, e.g. --lake DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
"$losslake" prepare --scheme dirichlet --alpha 0.1 --clients 20 --seed 1 --plan fmnist-dir0.1-c20 "$@"
compare() {
  echo; echo "#### $*"
  "$losslake" compare --seeds 1,2,3 --federate-config "$here/fedld-ablation.yaml" "$@"
}
compare --strategies fedavg "$@"
compare --strategies fedld "$@"
compare --strategies fedld --margin-lambda 0 "$@"
compare --strategies fedld --aggregation mean "$@"
compare --strategies fedld --margin-lambda 0 --aggregation mean "$@"
