#!/usr/bin/env bash
# install-deps.sh: install the Debian/Ubuntu packages of tools/debian-packages
# that are missing (as root, or through sudo for a normal user).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mapfile -t packages < <(grep -v -e '^#' -e '^[[:space:]]*$' "$here/debian-packages")

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm comes with NodeSource's nodejs, or as Debian's own package (which
# conflicts with NodeSource's nodejs): ask for it only when no npm exists.
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null; then
    as_root=(sudo)
else
    echo "install-deps: missing packages (${missing[*]}) and no sudo; install them as root" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
# wireshark-common asks whether non-root users may capture; keep the default (no).
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
