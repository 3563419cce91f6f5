#!/usr/bin/env bash
# An IsoFLOP study end to end from its sweep file: Fashion-MNIST prepared (an IID plan of 10
# clients), the sweep (resumable) and 'losslake study' on it, with figures in ./isoflop-plots.
# Usage: conf/sweeps/isoflop-study.sh SWEEP.yaml [options for every command, e.g. --lake PATH]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
losslake="$here/../../bin/losslake"
file="$1"
shift
name="$(sed -n 's/^name: *//p' "$file" | head -n 1)"
"$losslake" prepare --scheme iid --clients 10 --seed 1 --plan fmnist-iid-c10 "$@"
"$losslake" sweep --config "$file" "$@"
"$losslake" study --sweep "$name" --plots isoflop-plots "$@"
