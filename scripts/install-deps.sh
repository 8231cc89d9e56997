#!/usr/bin/env bash
# Installs what hiperfcheck needs on a Debian 12 machine, and only what is
# missing: with apt-get as root, through sudo otherwise.  Prints what it is
# doing; exits non-zero with a clear message when it cannot install.
set -euo pipefail

packages=(
  cmake make gcc g++ pkg-config
  libcmocka-dev          # unit tests and mocks
  libfaketime            # controlled time in the worker processes
  libsqlite3-dev sqlite3 # the oracle and the run history
  mingw-w64-x86-64-dev gcc-mingw-w64-x86-64  # the ABI test's Windows reference
  valgrind               # make test-valgrind: the unit tests under memcheck
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: not a Debian system; make sure these are installed: ${packages[*]}" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
((${#missing[@]})) || exit 0

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
elif command -v sudo >/dev/null 2>&1 && [[ -t 0 ]]; then
  apt_get=(sudo apt-get)
else
  echo "install-deps: these packages are missing: ${missing[*]}" >&2
  echo "install-deps: run as root, or with sudo rights:  apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq
"${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}"
