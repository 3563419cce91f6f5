#!/usr/bin/env bash
# Layer-wise linear mode connectivity, the experiments of the README's barrier section:
#  1. the classic pair: two MLPs trained on all of Fashion-MNIST from one initialisation with
#     different batch orders, and from two initialisations; their barriers;
#  2. FedAvg over 20 clients, Dirichlet(0.1) and shards(2), MLP and CNN: barriers of every round,
#     the layer x round heat maps (into ./plots/barriers) and the table they are drawn from;
#  3. FedAvg vs a personal head (--personal-layers 1) vs --layer-policy auto-barrier on shards(2),
#     3 seeds each: global test accuracy, and the clients' own and the global model's accuracy on
#     their held-out slices.
# Extra arguments (e.g. --lake s3a://bucket/lake) go to every command. About 40 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
plots="${PLOTS:-plots/barriers}"
run_id() { sed -n 's/^losslake federate: run \([^ ,]*\).*/\1/p' "$1" | head -1; }
log="$(mktemp -d)"

"$losslake" prepare --scheme iid --clients 1 --seed 1 --plan fmnist-iid-c1 "$@"
"$losslake" prepare --scheme dirichlet --alpha 0.1 --clients 20 --seed 1 --plan fmnist-dir0.1-c20 "$@"
"$losslake" prepare --scheme shards --classes-per-client 2 --clients 20 --seed 1 --plan fmnist-shards2-c20 "$@"

echo "== 1. one model, two batch orders; two models =="
centralised=(--plan fmnist-iid-c1 --model mlp:200 --rounds 1 --local-epochs 5 --batch-size 32 --lr 0.02 --decompose-every 0)
"$losslake" federate "${centralised[@]}" --seed 1 --init-seed 1 "$@" | tee "$log/a"
"$losslake" federate "${centralised[@]}" --seed 2 --init-seed 1 "$@" | tee "$log/b"
"$losslake" federate "${centralised[@]}" --seed 3 --init-seed 3 "$@" | tee "$log/c"
"$losslake" barrier --run "$(run_id "$log/a")" --between "run:$(run_id "$log/b")" "$@"
"$losslake" barrier --run "$(run_id "$log/a")" --between "run:$(run_id "$log/c")" "$@"

echo "== 2. barriers every round =="
for plan in fmnist-dir0.1-c20 fmnist-shards2-c20; do
  for model in mlp:200,100 cnn; do
    "$losslake" federate --config "$here/layerwise-barriers.yaml" --plan "$plan" --model "$model" --seed 1 "$@" | tee "$log/run"
    "$losslake" barrier --run "$(run_id "$log/run")" --plots "$plots" "$@"
  done
done

echo "== 3. which layers to average, shards(2), 3 seeds =="
"$losslake" compare --strategies fedavg --seeds 1,2,3 --federate-config "$here/layerwise-policies.yaml" "$@"
"$losslake" compare --strategies fedavg --seeds 1,2,3 --federate-config "$here/layerwise-policies.yaml" --personal-layers 1 "$@"
"$losslake" compare --strategies fedavg --seeds 1,2,3 --federate-config "$here/layerwise-policies.yaml" \
  --layer-policy auto-barrier --barrier-clients 4 "$@"
