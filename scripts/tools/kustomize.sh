#!/usr/bin/env bash
# Prints the path of kustomize (renders deploy/k8s/ for the manifest tests), building the pinned
# version from the Go module proxy into .infra/bin first if it is not there yet (lib.sh).
#   KUSTOMIZE=/usr/local/bin/kustomize scripts/tools/kustomize.sh   use that binary instead
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# v5.8.3 needs Go 1.27; v5.8.2 builds with the Go of this machine (1.26).
KUSTOMIZE_VERSION=v5.8.2
build() { go_install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"; }
print_tool kustomize "$KUSTOMIZE_VERSION" KUSTOMIZE build
