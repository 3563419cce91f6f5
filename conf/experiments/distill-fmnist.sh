#!/usr/bin/env bash
# Dataset distillation on Fashion-MNIST, the experiments of the README's distill section:
#  1. centralised (a plan of one client holding all 60,000 examples): DM at 10 images per class
#     against 10 random real images per class, 5 evaluation networks each;
#  2. federated, NIID-Bench's split (Dirichlet(0.5), 10 clients): every client condenses its data
#     into 10 images per class; the one-shot server trains cnn:32,64/128 on the union, against the
#     union of the random real images DM started from and against FedAvg on the same CNN
#     (NIID-Bench's local training) at about the same uploaded floats (one round, 3 clients), and
#     with all 10 clients for 2 rounds;
#  3. centralised trajectory matching with AST's additions, an MLP student (mlp:64) at 10 images per
#     class, against its own initial real images, 5 evaluation networks (mlp:64) each.
# The lake is $LOSSLAKE_LAKE (default ./lakehouse), the image grids go to $PLOTS (default
# plots/distill); extra arguments go to every distill. About 50 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
lake="${LOSSLAKE_LAKE:-./lakehouse}"
plots="${PLOTS:-plots/distill}"

"$losslake" prepare --scheme iid --clients 1 --seed 1 --plan fmnist-iid-c1 --lake "$lake"
"$losslake" prepare --scheme dirichlet --alpha 0.5 --clients 10 --seed 1 --plan fmnist-dir0.5-c10 --lake "$lake"

echo "== 1. centralised, 10 images per class =="
"$losslake" distill --plan fmnist-iid-c1 --method dm --ipc 10 --iterations 1500 \
  --eval-model cnn:32,64/128 --eval-seeds 5 --plots "$plots" --lake "$lake" "$@"

echo "== 2. federated, Dirichlet(0.5), 10 clients, 10 images per class each =="
"$losslake" distill --plan fmnist-dir0.5-c10 --method dm --ipc 10 --iterations 800 \
  --eval-model cnn:32,64/128 --eval-seeds 5 --plots "$plots" --lake "$lake" "$@"
# FedAvg on the same network with NIID-Bench's local training: one round of 3 sampled clients uploads
# 3 x 184,586 = 553,758 floats, about the union's; a round of all 10 uploads 3.3 times as many
fedavg=(--strategies fedavg --federate-config "$here/distill-fedavg.yaml" --lake "$lake")
"$losslake" compare "${fedavg[@]}" --seeds 1,2,3 --rounds 1 --clients-per-round 3
"$losslake" compare "${fedavg[@]}" --seeds 1 --rounds 2

echo "== 3. centralised, trajectory matching (AST), MLP student =="
"$losslake" distill --plan fmnist-iid-c1 --method ast --ipc 10 --iterations 1000 --student 64 \
  --eval-model mlp:64 --eval-seeds 5 --plots "$plots" --lake "$lake" "$@"
