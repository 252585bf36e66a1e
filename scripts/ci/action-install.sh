#!/usr/bin/env bash
# Installs ecslint for the GitHub Action: a released binary for the runner's platform when
# ECSLINT_VERSION names one, else `cargo install --locked` of the action's own source
# (ECSLINT_SOURCE), whose build the action caches.
set -euo pipefail
if command -v ecslint >/dev/null 2>&1 && [ -z "${ECSLINT_VERSION:-}" ]; then
  echo "ecslint already installed: $(ecslint --version)"
  exit 0
fi
if [ -n "${ECSLINT_VERSION:-}" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target=x86_64-unknown-linux-musl ;;
    Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
    Darwin-arm64) target=aarch64-apple-darwin ;;
    Darwin-x86_64) target=x86_64-apple-darwin ;;
    *) target="" ;;
  esac
  repo="${ECSLINT_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}"
  if [ -n "$target" ] && [ -n "$repo" ]; then
    url="https://github.com/$repo/releases/download/v$ECSLINT_VERSION/ecslint-$target.tar.gz"
    dir="${RUNNER_TEMP:-/tmp}/ecslint-$ECSLINT_VERSION"
    mkdir -p "$dir"
    if curl -fsSL "$url" | tar -xz -C "$dir"; then
      echo "$dir" >> "${GITHUB_PATH:-/dev/null}"
      echo "ecslint $ECSLINT_VERSION from $url"
      exit 0
    fi
    echo "::warning::no ecslint $ECSLINT_VERSION release for $target at $url; building from source"
  fi
fi
cargo install --locked --path "${ECSLINT_SOURCE:?the action source folder}"
