#!/usr/bin/env bash
# root_install_warning.sh: configuring as root for the default (personal)
# install warns that Wireshark ignores /root/.local, and names
# -DTCPHS_INSTALL_SYSTEM=ON; configuring with that option does not warn.
# Skips (77), saying so, when not run as root.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: not root (the warning is about installing as root)"; exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcphs-root-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
HOME=/root cmake -S "$src" -B "$tmp/personal" > "$tmp/personal.log" 2>&1 || { cat "$tmp/personal.log"; exit 1; }
if ! tr -s ' \n' ' ' < "$tmp/personal.log" | grep -q "you are root.*-DTCPHS_INSTALL_SYSTEM=ON"; then
    echo "FAIL: configuring as root for a personal install printed no warning naming -DTCPHS_INSTALL_SYSTEM=ON:"
    cat "$tmp/personal.log"; fail=1
fi
cmake -S "$src" -B "$tmp/system" -DTCPHS_INSTALL_SYSTEM=ON > "$tmp/system.log" 2>&1 || { cat "$tmp/system.log"; exit 1; }
if grep -q "you are root" "$tmp/system.log"; then
    echo "FAIL: -DTCPHS_INSTALL_SYSTEM=ON still warns about the personal folder:"; cat "$tmp/system.log"; fail=1
fi
[ $fail = 0 ] && echo "root install warning: shown for the personal folder, not with -DTCPHS_INSTALL_SYSTEM=ON"
exit $fail
