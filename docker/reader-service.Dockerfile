# syntax=docker/dockerfile:1
# reader-service: gRPC on 5003, probes on 3003, metrics on 8003.
#
# The three service Dockerfiles differ only in SERVICE and its ports (writer-service adds a
# `migrate` stage); docker/test/dockerfiles.int.spec.ts keeps them in step. The `build` stage is
# the same text in all three, so BuildKit compiles the workspace once and every image reuses it.

ARG NODE_IMAGE=node:24.18.0-bookworm-slim

# Every workspace compiled with the dev dependencies (TypeScript), exactly as `make build` does.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npm run build

# Only what this service runs: a fresh install of its production dependencies, then proto/ (the
# contracts load the .proto files at run time) and the package.json, dist/ and config/ of every
# workspace node_modules links to, gathered into .image/ for the runtime stage.
FROM build AS prune
ARG SERVICE=reader-service
RUN rm -rf node_modules */node_modules packages/*/node_modules
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --workspace ${SERVICE} --include-workspace-root=false --no-audit --no-fund
RUN mkdir .image && cp -a proto .image/ \
 && for link in $(find node_modules -maxdepth 2 -type l ! -path 'node_modules/.bin/*'); do \
      dir=$(realpath --relative-to=. "$link"); mkdir -p ".image/$dir"; \
      for part in package.json dist config node_modules; do \
        if [ -e "$dir/$part" ]; then cp -a "$dir/$part" ".image/$dir/"; fi; \
      done; \
    done

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=reader-service
# HOST: config.yaml binds to loopback for the host; in a container that would be unreachable.
# PROBES_PORT is set here so the health check below follows an override of it.
# NODE_OPTIONS: with no heap limit V8 sizes the heap for the host and lets old space grow to ~4x
# the live data between collections (60 MiB live, 190 MiB old space in a backlog); a limit makes it
# collect at ~1.4x (bench/results/memory-profile.md). 384 MiB stays under the pod's 512Mi limit with
# the ~110 MiB of code, young generation and native memory beside it.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PROBES_PORT=3003 \
    NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=8"
WORKDIR /app
COPY --from=prune /app/node_modules ./node_modules
COPY --from=prune /app/.image ./
WORKDIR /app/${SERVICE}
USER node
EXPOSE 5003 3003 8003
# The probe server is the last thing a service starts, so /live answering means start-up is done
# (topics created, connections made). The slim image has no curl: node's fetch does it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --start-interval=2s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PROBES_PORT + '/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "@cqrs-products/tracing/register", "dist/main.js"]
