#!/usr/bin/env bash
# Dataset distillation on Fashion-MNIST, the experiments of the README's distill section:
#  1. centralised (a plan of one client holding all 60,000 examples): DM at 10 images per class
#     against 10 random real images per class, 5 evaluation networks each;
#  2. federated, NIID-Bench's split (Dirichlet(0.5), 10 clients): every client condenses its data
#     into 10 images per class; the one-shot server trains NIID-Bench's CNN on the union, against the
#     union of random real images of the same budget and against FedAvg (the same CNN, NIID-Bench's
#     local training) after 1 and 2 rounds: 2 rounds upload about as many floats as the union;
#  3. centralised trajectory matching with AST's additions, an MLP student (mlp:64) at 10 images per
#     class, against its own initial real images, 5 evaluation networks (mlp:64) each.
# The lake is $LOSSLAKE_LAKE (default ./lakehouse), the image grids go to $PLOTS (default
# plots/distill); extra arguments go to every distill. About 35 minutes on 2 cores.
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
"$losslake" distill --plan fmnist-dir0.5-c10 --method dm --ipc 10 --iterations 400 --real-batch 128 \
  --eval-model cnn --eval-seeds 5 --plots "$plots" --lake "$lake" "$@"
# FedAvg's rounds 1 and 2 (its round_metrics rows), 3 seeds
"$losslake" compare --strategies fedavg --seeds 1,2,3 --federate-config "$here/niid-bench-fmnist-cnn.yaml" --rounds 2 --lake "$lake"

echo "== 3. centralised, trajectory matching (AST), MLP student =="
"$losslake" distill --plan fmnist-iid-c1 --method ast --ipc 10 --iterations 1000 --student 64 \
  --eval-model mlp:64 --eval-seeds 5 --plots "$plots" --lake "$lake" "$@"
