#!/usr/bin/env bash
# Synthetic sets as a round option (federate --synthetic), Fashion-MNIST, NIID-Bench's split
# (Dirichlet(0.5), 10 clients), cnn:32,64/128 with NIID-Bench's local training (distill-fedavg.yaml):
#  1. every client condenses its data by DM into 10 images per class (400 iterations), and draws
#     10 random real images per class (the baseline sets);
#  2. FedAvg for 2 rounds of all 10 clients: plain; with the DM sets (each client uploads its set
#     with its first update, the server fine-tunes the aggregate on the union every round, default
#     10 epochs at 0.01 with DSA); with the random real sets. round_metrics holds uploaded_floats
#     and synthetic_floats per round, to compare at equal communication.
# The lake is $LOSSLAKE_LAKE (default ./lakehouse). About 25 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
lake="${LOSSLAKE_LAKE:-./lakehouse}"
plots="${PLOTS:-plots/distill}"
plan=fmnist-dir0.5-c10

"$losslake" prepare --scheme dirichlet --alpha 0.5 --clients 10 --seed 1 --plan "$plan" --lake "$lake"
run_id() { sed -n "s/^losslake $1: run \([0-9a-f-]*\).*/\1/p" | head -1; }
dm=$("$losslake" distill --plan "$plan" --method dm --ipc 10 --iterations 400 --eval-seeds 0 --plots "$plots" --lake "$lake" \
  | tee -a /dev/stderr | run_id distill)
random=$("$losslake" distill --plan "$plan" --method random --ipc 10 --eval-seeds 0 --plots "$plots" --lake "$lake" \
  | tee -a /dev/stderr | run_id distill)

fedavg=(--config "$here/distill-fedavg.yaml" --rounds 2 --seed 1 --lake "$lake")
echo "== FedAvg =="
"$losslake" federate "${fedavg[@]}"
echo "== FedAvg, the server fine-tuning on the DM sets (run $dm) =="
"$losslake" federate "${fedavg[@]}" --synthetic "$dm"
echo "== FedAvg, the server fine-tuning on the random real sets (run $random) =="
"$losslake" federate "${fedavg[@]}" --synthetic "$random"
