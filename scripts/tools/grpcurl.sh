#!/usr/bin/env bash
# Prints the path of grpcurl (the gRPC reflection client the reflection test drives), building
# the pinned version from the Go module proxy into .infra/bin first if it is not there yet (lib.sh).
#   GRPCURL=/usr/local/bin/grpcurl scripts/tools/grpcurl.sh   use that binary instead
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

GRPCURL_VERSION=v1.9.4
build() { go_install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"; }
print_tool grpcurl "$GRPCURL_VERSION" GRPCURL build
