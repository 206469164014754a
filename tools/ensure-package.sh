#!/usr/bin/env bash
# Makes sure a program the tests need is on this machine, so that the README's test command passes
# on a fresh one. When the program is missing, installs its Debian package with apt-get if this
# build may (it runs as root, or sudo asks no password); otherwise fails, saying exactly what to run.
#
#   tools/ensure-package.sh [--env NAME] [--warn] <debian-package> <program>...
#
# <program>: a path (/usr/bin/chromium) or a command looked up on PATH; any one found is enough.
# --env NAME: when the variable NAME is set, its value is the program, and it is never installed.
# --warn:     when the package cannot be installed here, warn and go on (a test that needs it fails
#             with its own message later) instead of failing now.
# HUB_ENSURE_DRY_RUN=1 prints the install command instead of running it.
# The Maven build runs it in the clients module (chromium, for the browser test) and in hub-it
# (iproute2, for the fault tier's network namespaces).
set -euo pipefail

env_name=""
warn_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env) env_name=$2; shift 2 ;;
    --warn) warn_only=1; shift ;;
    *) break ;;
  esac
done
package=${1:?usage: ensure-package.sh [--env NAME] [--warn] <debian-package> <program>...}
shift

if [ -n "$env_name" ] && [ -n "${!env_name:-}" ]; then
  if [ -x "${!env_name}" ]; then exit 0; fi
  echo "ensure-package: $env_name=${!env_name} is not an executable file; point it at one, or unset it to use $package" >&2
  exit 1
fi

found() {
  local program
  for program in "$@"; do
    case "$program" in
      */*) [ -x "$program" ] && return 0 ;;
      *) command -v "$program" >/dev/null 2>&1 && return 0 ;;
    esac
  done
  return 1
}
if found "$@"; then exit 0; fi

install="apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $package"
if ! command -v apt-get >/dev/null 2>&1; then
  why="$package is missing ($*) and this is not a Debian or Ubuntu machine (no apt-get): install $package with your system's package manager${env_name:+, or set $env_name to its executable}"
elif [ "$(id -u)" -eq 0 ]; then
  run="sh -c"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run="sudo sh -c"
else
  why="$package is missing ($*); run:  sudo apt-get install -y $package${env_name:+  (or set $env_name to its executable)}"
fi

if [ -n "${why:-}" ]; then
  if [ -n "$warn_only" ]; then
    echo "ensure-package: WARNING: $why" >&2
    exit 0
  fi
  echo "ensure-package: $why" >&2
  exit 1
fi

if [ -n "${HUB_ENSURE_DRY_RUN:-}" ]; then
  echo "ensure-package: $package is missing ($*); would run: $run '$install'"
  exit 0
fi
echo "ensure-package: $package is missing ($*); installing it: $run '$install'"
$run "$install"
if ! found "$@"; then
  echo "ensure-package: installed $package, but still no $*" >&2
  exit 1
fi
