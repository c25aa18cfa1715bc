#!/usr/bin/env bash
# Installs the Debian packages Leadloop builds, runs and tests with.
# Idempotent: installs only what is missing; safe to run on every `make`.
# The npm packages (package.json: the web app's build and browser tests, the
# DuckDB twin of the benchmarks) are installed by `make web` with `npm ci`;
# the browser tests drive Debian's chromium (Playwright downloads none).
# The list is pinned to Debian 12 (bookworm); the versions we build and test
# with are recorded in scripts/packages.lock and checked (warning only, since
# Debian security updates replace point releases in the archive).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

packages=(
  build-essential cmake make pkg-config git ca-certificates openssl
  libsqlite3-dev sqlite3 python3 bc curl
  libboost1.81-dev libcpp-httplib-dev libssl-dev zlib1g-dev
  nlohmann-json3-dev libsimdjson-dev
  libcli11-dev libspdlog-dev libfmt-dev
  libsodium-dev libyaml-cpp-dev libabsl-dev libre2-dev
  libcurl4-openssl-dev python3-aiosmtpd
  libpq-dev postgresql postgresql-common
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm chromium
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  # A nodejs from elsewhere (NodeSource) bundles npm and conflicts with Debian's.
  if [ "$p" = npm ] && command -v npm > /dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Report drift from the versions in the lock file (not fatal).
if [ -f "$here/packages.lock" ]; then
  while read -r name version; do
    [ -z "$name" ] && continue
    have=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || true)
    if [ "$have" != "$version" ]; then
      echo "setup: note: $name is $have, lock file says $version" >&2
    fi
  done < <(grep -v '^#' "$here/packages.lock")
fi
