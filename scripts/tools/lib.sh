# shellcheck shell=bash
# Shared by the scripts of scripts/tools (sourced, never run). Each prints the path of one tool a
# test drives, building it with Go into <INFRA_HOME>/bin first when it is missing or its stamp names
# another version. Idempotent: a second call costs a version check; the Go module cache makes a
# rebuild cheap.

TOOLS_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS_BIN_DIR="${INFRA_HOME:-$TOOLS_ROOT/.infra}/bin"

tools_die() {
  echo "[tools] ERROR: $*" >&2
  exit 1
}

# print_tool NAME VERSION OVERRIDE_VARIABLE BUILD_FUNCTION: prints the executable the variable names
# when it is set, else <bin>/NAME, built first by `BUILD_FUNCTION <target>` unless its stamp says
# VERSION. An empty OVERRIDE_VARIABLE: the tool cannot be replaced.
print_tool() {
  local name="$1" version="$2" override_variable="$3" build="$4"
  local target="$TOOLS_BIN_DIR/$name" stamp="$TOOLS_BIN_DIR/$name.version"
  if [[ -n "$override_variable" && -n "${!override_variable:-}" ]]; then
    local override="${!override_variable}"
    [[ -x "$override" ]] || tools_die "$override_variable=$override is not an executable"
    echo "$override"
    return 0
  fi
  # Test files run in parallel and each may ask for the tool: one builds, the others wait for it.
  mkdir -p "$TOOLS_BIN_DIR"
  exec 9>"$TOOLS_BIN_DIR/.$name.lock"
  flock 9
  if [[ ! -x "$target" || ! -f "$stamp" || "$(cat "$stamp")" != "$version" ]]; then
    command -v go >/dev/null || tools_die "the Go toolchain is needed to build $name"
    echo "[tools] building $name (Go module proxy)" >&2
    "$build" "$target" >&2
    printf '%s\n' "$version" >"$stamp"
  fi
  exec 9>&-
  echo "$target"
}

# go_install MODULE@VERSION: a released tool's main package into the bin directory.
go_install() {
  # Run from / so that no go.mod around the clone turns this into a module-mode build.
  (cd / && GOWORK=off GOFLAGS='' GOTOOLCHAIN=local GOBIN="$TOOLS_BIN_DIR" go install "$1")
}
