#!/bin/sh
# Installs ccshare @VERSION@: picks the binary for this OS and processor,
# downloads it and the release's SHA256SUMS, checks the checksum, and only then
# puts it on your PATH. POSIX sh; needs curl or wget, and sha256sum, shasum or
# openssl.
#
#   curl -fsSL @BASE_URL@/install.sh | sh
#
# Environment:
#   CCSHARE_INSTALL_DIR  where to put it (default: /usr/local/bin if writable, else ~/.local/bin)
#   CCSHARE_BASE_URL     where the release files are (default: @BASE_URL@)
#
# (scripts/install.sh is the template; `make release` fills in the version and
# URL and writes dist/release/install.sh.)
set -eu

VERSION="@VERSION@"
BASE_URL="${CCSHARE_BASE_URL:-@BASE_URL@}"

say() { printf 'ccshare install: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) die "there is no ccshare binary for $(uname -s) here; on Windows download ccshare-$VERSION-windows-x64.exe from $BASE_URL" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  arm64 | aarch64) arch=arm64 ;;
  *) die "there is no ccshare binary for the $(uname -m) processor" ;;
esac
# An x64 shell under Rosetta on Apple silicon: the native binary is the right one.
if [ "$os-$arch" = darwin-x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
  arch=arm64
fi
name="ccshare-$VERSION-$os-$arch"

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "curl or wget is needed to download ccshare"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 "$1" | sed 's/^.*= *//'
  else
    die "sha256sum, shasum or openssl is needed to check the download"
  fi
}

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t ccshare)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

say "downloading $name"
fetch "$BASE_URL/$name" "$tmp/$name" || die "could not download $BASE_URL/$name"
fetch "$BASE_URL/SHA256SUMS" "$tmp/SHA256SUMS" || die "could not download $BASE_URL/SHA256SUMS"
expected=$(awk -v n="$name" '$2 == n || $2 == "*" n { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS lists no $name; nothing was installed"
actual=$(sha256 "$tmp/$name")
[ "$actual" = "$expected" ] || die "$name does not match SHA256SUMS (expected $expected, got $actual); nothing was installed"

if [ -n "${CCSHARE_INSTALL_DIR:-}" ]; then
  dir=$CCSHARE_INSTALL_DIR
elif [ -w /usr/local/bin ]; then
  dir=/usr/local/bin
else
  dir="$HOME/.local/bin"
fi
mkdir -p "$dir"
chmod 755 "$tmp/$name"
# Copy beside the target, then rename: a running ccshare is never half-overwritten.
cp "$tmp/$name" "$dir/.ccshare.$$"
mv -f "$dir/.ccshare.$$" "$dir/ccshare"
say "installed ccshare $VERSION as $dir/ccshare"
case ":$PATH:" in
  *":$dir:"*) ;;
  *) say "$dir is not on your PATH; add it, e.g. export PATH=\"$dir:\$PATH\"" ;;
esac
