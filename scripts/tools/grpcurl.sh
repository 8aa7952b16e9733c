#!/usr/bin/env bash
# Prints the path of grpcurl (the gRPC reflection client the reflection test drives), building
# the pinned version from the Go module proxy into .infra/bin first if it is not there yet.
# Idempotent: a second call costs a version check. The Go module cache makes a rebuild cheap.
#   GRPCURL=/usr/local/bin/grpcurl scripts/tools/grpcurl.sh   use that binary instead
set -euo pipefail

GRPCURL_VERSION=v1.9.4
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin_dir="${INFRA_HOME:-$root/.infra}/bin"
target="$bin_dir/grpcurl"
stamp="$bin_dir/grpcurl.version"

if [[ -n "${GRPCURL:-}" ]]; then
  [[ -x "$GRPCURL" ]] || { echo "[tools] ERROR: GRPCURL=$GRPCURL is not an executable" >&2; exit 1; }
  echo "$GRPCURL"
  exit 0
fi
if [[ -x "$target" && -f "$stamp" && "$(cat "$stamp")" == "$GRPCURL_VERSION" ]]; then
  echo "$target"
  exit 0
fi
command -v go >/dev/null || { echo "[tools] ERROR: the Go toolchain is needed to build grpcurl" >&2; exit 1; }
mkdir -p "$bin_dir"
echo "[tools] building grpcurl $GRPCURL_VERSION (Go module proxy)" >&2
# Run from / so that no go.mod around the clone turns this into a module-mode build.
(cd / && GOWORK=off GOFLAGS='' GOTOOLCHAIN=local GOBIN="$bin_dir" \
  go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION") >&2
printf '%s\n' "$GRPCURL_VERSION" >"$stamp"
echo "$target"
