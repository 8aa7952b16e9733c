#!/usr/bin/env bash
# Prints the path of k8s-validate (deploy/k8s/validate: strict decoding of rendered manifests into
# the Kubernetes API types), building it into .infra/bin first when it is missing or its sources
# changed. Its dependencies are pinned by deploy/k8s/validate/go.mod and go.sum, fetched from the
# Go module proxy; the module cache makes a rebuild cheap.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/deploy/k8s/validate"
bin_dir="${INFRA_HOME:-$root/.infra}/bin"
target="$bin_dir/k8s-validate"
stamp="$bin_dir/k8s-validate.version"

# The stamp is a hash of the sources, so an edited validator is rebuilt on the next call.
version="$(cd "$src" && cat go.mod go.sum ./*.go | sha256sum | cut -d' ' -f1)"
# Test files run in parallel and each may ask for the tool: one builds, the others wait for it.
mkdir -p "$bin_dir"
exec 9>"$bin_dir/.k8s-validate.lock"
flock 9
if [[ -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
  echo "$target"
  exit 0
fi
command -v go >/dev/null || { echo "[tools] ERROR: the Go toolchain is needed to build k8s-validate" >&2; exit 1; }
echo "[tools] building k8s-validate (Go module proxy)" >&2
# -mod=readonly: go.sum must already hold every dependency, the build never edits it.
# -buildvcs=false: nothing to stamp, and it spares a git call in a clone of any ownership.
(cd "$src" && GOWORK=off GOFLAGS='-mod=readonly -buildvcs=false' GOTOOLCHAIN=local \
  go build -trimpath -o "$target" .) >&2
printf '%s\n' "$version" >"$stamp"
echo "$target"
