#!/usr/bin/env bash
# Install what the test suite needs beyond pip: Debian's neovim (0.7.2 on bookworm)
# for tests/neovim. Idempotent and quiet. Never fails the run: when apt is not
# available it says why and carries on, and the Neovim tests skip themselves.
#
#   scripts/install-test-deps.sh
set -u

say() { printf 'install-test-deps: %s\n' "$*"; }

if command -v nvim >/dev/null 2>&1; then
    say "neovim present: $(nvim --version 2>/dev/null | head -n 1)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get not found; skipping neovim (tests/neovim will be skipped)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n)
else
    say "not root and no password-less sudo; skipping neovim (tests/neovim will be skipped)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=false)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Update the package lists only when installing straight away does not find the package.
if ! ${as_root[@]+"${as_root[@]}"} apt-get "${apt_opts[@]}" install neovim >"$log" 2>&1; then
    if ! ${as_root[@]+"${as_root[@]}"} apt-get -q update >"$log" 2>&1 \
        || ! ${as_root[@]+"${as_root[@]}"} apt-get "${apt_opts[@]}" install neovim >"$log" 2>&1; then
        say "could not install neovim with apt-get; tests/neovim will be skipped. Last output:"
        tail -n 5 "$log" | sed 's/^/    /'
        exit 0
    fi
fi

if command -v nvim >/dev/null 2>&1; then
    say "installed $(nvim --version 2>/dev/null | head -n 1)"
else
    say "apt-get finished but nvim is not on PATH; tests/neovim will be skipped"
fi
exit 0
