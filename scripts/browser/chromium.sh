#!/usr/bin/env bash
# Prints the path of a Chromium binary for the browser tests, installing Debian's `chromium`
# package first if none is there. Idempotent: a machine that has one only pays for a lookup.
#   CHROMIUM_PATH=/opt/chrome/chrome scripts/browser/chromium.sh   use that binary instead
# The tests drive it through playwright-core, which never downloads browsers of its own: one
# browser, from the distribution, updated with the rest of the system.
set -euo pipefail

log() { printf '[browser] %s\n' "$*" >&2; }
die() { printf '[browser] ERROR: %s\n' "$*" >&2; exit 1; }

find_chromium() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" chromium chromium-browser; do
    [[ -n "$candidate" ]] || continue
    if command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi
[[ -z "${CHROMIUM_PATH:-}" ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
command -v apt-get >/dev/null || die "no chromium found and no apt-get to install it; install Chromium and set CHROMIUM_PATH"

sudo=()
[[ $EUID -eq 0 ]] || sudo=(sudo)
apt_log="$(mktemp -t chromium-apt.XXXXXX.log)"
log "installing Debian package chromium (log: $apt_log)"
# The package lists of a fresh machine or container are often empty or stale; refreshing them
# only happens here, when something has to be installed anyway.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$apt_log" 2>&1 ||
  log "apt-get update reported errors; trying the install anyway"
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  chromium >>"$apt_log" 2>&1; then
  tail -n 20 "$apt_log" >&2
  die "apt-get install chromium failed (log: $apt_log)"
fi
rm -f "$apt_log"
path="$(find_chromium)" || die "chromium was installed but no chromium binary is on PATH"
log "installed $("$path" --version 2>/dev/null || echo chromium)"
echo "$path"
