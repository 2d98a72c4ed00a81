#!/usr/bin/env bash
# The body of `npm run test:e2e`: builds, then runs the browser tests (bot +
# Agents Playground + Chromium) inside a network namespace with loopback only,
# so nothing they start can reach, or be reached from, another address. The
# Playground's telemetry and the page's CDN fonts otherwise try the internet.
#
# Creating the namespace needs root (CI runs as root). The namespace also has
# its own PID space: when this script ends, every process started in it ends.
# Extra arguments go to jest, e.g. `npm run test:e2e -- -t smoke`.
# E2E_VERBOSE=1 shows the bot's and the Playground's output.
set -euo pipefail
cd "$(dirname "$0")/.."

only_loopback() {
  [ "$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')" = "lo " ]
}

if [ "${E2E_IN_NETNS:-}" != "1" ]; then
  if ! command -v ip >/dev/null || ! command -v unshare >/dev/null; then
    echo "run-e2e: needs 'ip' (iproute2) and 'unshare' (util-linux)." >&2
    exit 1
  fi
  if [ "$(id -u)" != "0" ]; then
    cat >&2 <<'MSG'
run-e2e: the browser tests must run in a network namespace that has only
loopback (the Agents Playground and Chromium try outside addresses), and
creating one needs root. Run `sudo -E npm run test:e2e`, or as root (CI does).
MSG
    exit 1
  fi
  export E2E_IN_NETNS=1
  exec unshare --net --pid --fork --kill-child --mount-proc "$0" "$@"
fi

ip link set lo up
if ! only_loopback; then
  echo "run-e2e: expected a namespace with loopback only, found: $(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" >&2
  exit 1
fi

# E2E_BOT_ENTRY drives another bot (see test/e2e/harness.ts): dist/ is then not needed.
if [ -z "${E2E_BOT_ENTRY:-}" ]; then
  npm run build
fi
node_modules/.bin/jest --config jest.e2e.config.js --runInBand "$@"
