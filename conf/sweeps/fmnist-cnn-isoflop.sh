#!/usr/bin/env bash
# The centralised CNN IsoFLOP study end to end (sweep, study, plots in ./isoflop-plots).
# Extra arguments (e.g. --lake s3a://bucket/lake) go to every command.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/isoflop-study.sh" "$here/fmnist-cnn-isoflop.yaml" "$@"
