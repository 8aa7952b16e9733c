#!/usr/bin/env bash
# Prints the path of k8s-validate (deploy/k8s/validate: strict decoding of rendered manifests into
# the Kubernetes API types), building it into .infra/bin first when it is missing or its sources
# changed (lib.sh). Its dependencies are pinned by deploy/k8s/validate/go.mod and go.sum, fetched
# from the Go module proxy.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

src="$TOOLS_ROOT/deploy/k8s/validate"
# The stamp is a hash of the sources, so an edited validator is rebuilt on the next call.
version="$(cd "$src" && cat go.mod go.sum ./*.go | sha256sum | cut -d' ' -f1)"
build() {
  # -mod=readonly: go.sum must already hold every dependency, the build never edits it.
  # -buildvcs=false: nothing to stamp, and it spares a git call in a clone of any ownership.
  (cd "$src" && GOWORK=off GOFLAGS='-mod=readonly -buildvcs=false' GOTOOLCHAIN=local \
    go build -trimpath -o "$1" .)
}
print_tool k8s-validate "$version" "" build
