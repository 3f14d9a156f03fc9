#!/usr/bin/env bash
# Install what the test suite needs beyond pip, with apt-get (root or password-less sudo):
# Debian's neovim (0.7.2 on bookworm) for tests/neovim, chromium for the HTML report and
# VS Code tests, and python3-venv where `python3 -m
# venv` cannot work without it (a bare Debian or Ubuntu). Idempotent and quiet.
#
# By default it never fails the run: when apt is not available it says why and carries on,
# and the Neovim tests skip themselves. With VGPT2_REQUIRE_NVIM=1 (CI: .ci/run) a missing
# neovim is a failure, so CI cannot go green without having run the real-editor test.
#
#   scripts/install-test-deps.sh
set -u

say() { printf 'install-test-deps: %s\n' "$*"; }
# skip REASON: carry on without what is missing, or fail when CI requires neovim.
skip() {
    if command -v nvim >/dev/null 2>&1; then
        say "$1"
        exit 0
    fi
    say "$1; tests/neovim will be skipped"
    if [ "${VGPT2_REQUIRE_NVIM:-}" = 1 ]; then
        say "VGPT2_REQUIRE_NVIM=1: neovim is required here"
        exit 1
    fi
    exit 0
}

packages=()
if command -v nvim >/dev/null 2>&1; then
    say "neovim present: $(nvim --version 2>/dev/null | head -n 1)"
else
    packages+=(neovim)
fi
# Chromium: the evaluation's HTML report is checked in headless Chromium (tests/training), and
# the VS Code end-to-end suite drives the workbench with it.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    packages+=(chromium)
fi
if ! "${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    packages+=(python3-venv)
fi
[ ${#packages[@]} -gt 0 ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    skip "apt-get not found, cannot install ${packages[*]}"
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n)
else
    skip "not root and no password-less sudo, cannot install ${packages[*]}"
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=false)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Update the package lists first: on a fresh machine (a new container, a CI image) they are
# empty or stale, and installing from them fails or fetches a version that is gone.
say "apt-get update; apt-get install ${packages[*]}"
if ! ${as_root[@]+"${as_root[@]}"} apt-get -q update >"$log" 2>&1 \
    || ! ${as_root[@]+"${as_root[@]}"} apt-get "${apt_opts[@]}" install "${packages[@]}" >"$log" 2>&1; then
    say "could not install ${packages[*]} with apt-get. Last output:"
    tail -n 5 "$log" | sed 's/^/    /'
    skip "apt-get failed"
fi

if command -v nvim >/dev/null 2>&1; then
    say "installed $(nvim --version 2>/dev/null | head -n 1)"
else
    skip "apt-get finished but nvim is not on PATH"
fi
exit 0
