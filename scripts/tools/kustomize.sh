#!/usr/bin/env bash
# Prints the path of kustomize (renders deploy/k8s/ for the manifest tests), building the pinned
# version from the Go module proxy into .infra/bin first if it is not there yet.
# Idempotent: a second call costs a version check. The Go module cache makes a rebuild cheap.
#   KUSTOMIZE=/usr/local/bin/kustomize scripts/tools/kustomize.sh   use that binary instead
set -euo pipefail

# v5.8.3 needs Go 1.27; v5.8.2 builds with the Go of this machine (1.26).
KUSTOMIZE_VERSION=v5.8.2
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin_dir="${INFRA_HOME:-$root/.infra}/bin"
target="$bin_dir/kustomize"
stamp="$bin_dir/kustomize.version"

if [[ -n "${KUSTOMIZE:-}" ]]; then
  [[ -x "$KUSTOMIZE" ]] || { echo "[tools] ERROR: KUSTOMIZE=$KUSTOMIZE is not an executable" >&2; exit 1; }
  echo "$KUSTOMIZE"
  exit 0
fi
# Test files run in parallel and each may ask for the tool: one builds, the others wait for it.
mkdir -p "$bin_dir"
exec 9>"$bin_dir/.kustomize.lock"
flock 9
if [[ -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$KUSTOMIZE_VERSION" ]]; then
  echo "$target"
  exit 0
fi
command -v go >/dev/null || { echo "[tools] ERROR: the Go toolchain is needed to build kustomize" >&2; exit 1; }
echo "[tools] building kustomize $KUSTOMIZE_VERSION (Go module proxy)" >&2
# Run from / so that no go.mod around the clone turns this into a module-mode build.
(cd / && GOWORK=off GOFLAGS='' GOTOOLCHAIN=local GOBIN="$bin_dir" \
  go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION") >&2
printf '%s\n' "$KUSTOMIZE_VERSION" >"$stamp"
echo "$target"
