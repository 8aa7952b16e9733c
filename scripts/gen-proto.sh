#!/usr/bin/env bash
# Regenerates the TypeScript types for proto/*.proto into packages/contracts/src/generated.
# The output is checked in and CI fails when it differs from a fresh run (npm run proto:check),
# so the .proto files stay the single source of truth.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/packages/contracts/src/generated"
rm -rf "$out"
cd "$root"
# The options must match the loader options in packages/contracts/src/proto.ts: the types
# describe what @grpc/proto-loader and the Kafka codec actually hand to our code.
npx --no-install proto-loader-gen-types \
  --grpcLib=@grpc/grpc-js \
  --keepCase --longs=Number --enums=String --defaults --oneofs \
  --includeDirs=proto \
  --importFileExtension=.js --includeComments \
  --outDir="$out" \
  kafka.proto reader.proto writer.proto >/dev/null
# The generator emits TS in its own style; apply ours (format, import order) so lint passes and diffs stay stable.
npx --no-install biome check --write "$out" >/dev/null
