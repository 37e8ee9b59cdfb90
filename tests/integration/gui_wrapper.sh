#!/usr/bin/env bash
# gui_wrapper.sh: tools/wireshark-with-tcphs opens the real Wireshark GUI
# (under Xvfb) on captures/keepalive.pcap with the plugin of the build tree
# and the lab profile:
#   1. a window titled keepalive.pcap opens, and no other (no error dialog);
#   2. the Wireshark process has mapped tcphs.so from the wrapper's staged
#      plugin folder, and that file is the build's tcphs.so;
#   3. the screen shows the lab profile's colours: its coloring rules on
#      tcphs.* fields colour the handshake green, keep-alives lavender and
#      data blue (Wireshark's defaults have none of these colours, and
#      without the plugin the rules would not compile);
#   4. quitting Wireshark ends the wrapper, which removes its staging folder.
# As root (the GUI runs as nobody) the X server asks for a cookie, which the
# wrapper must hand to nobody; and with no cookie to hand over, the wrapper
# stops before Wireshark starts and says to run xhost.
# Skips (77), saying why, without Xvfb, the wireshark GUI (wireshark-qt),
# x11-utils or ImageMagick.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TCPHS_BUILD:-$root/build}
wrapper="$root/tools/wireshark-with-tcphs"

missing=()
command -v Xvfb >/dev/null || missing+=("Xvfb (apt-get install xvfb)")
command -v wireshark >/dev/null || missing+=("wireshark, the Qt GUI (apt-get install wireshark-qt)")
command -v xwininfo >/dev/null || missing+=("xwininfo (apt-get install x11-utils)")
command -v xauth >/dev/null || missing+=("xauth (apt-get install xauth)")
command -v import >/dev/null || missing+=("ImageMagick's import (apt-get install imagemagick)")
if [ ${#missing[@]} -gt 0 ]; then
    echo "SKIP: missing ${missing[*]}"
    exit 77
fi
if ! ls "$build"/plugins/*/epan/tcphs.so >/dev/null 2>&1; then
    echo "FAIL: no tcphs.so under $build/plugins (build it first)"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gui-wrapper-test.XXXXXX")
xvfb_pid=""
wrapper_pid=""
ws_pid=""
cleanup() {
    set +e
    [ -n "$ws_pid" ] && kill "$ws_pid" 2>/dev/null
    [ -n "$wrapper_pid" ] && wait "$wrapper_pid" 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
failed() { echo "FAIL: $*"; fail=1; }

# A free display number, and an X server that wants a cookie (as a desktop's).
display=""
for n in $(seq 90 140); do
    if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "FAIL: no free X display number in :90-:140"; exit 1; }
export XAUTHORITY="$tmp/Xauthority"
xauth -q -f "$XAUTHORITY" add 2>/dev/null "$display" . "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
Xvfb "$display" -auth "$XAUTHORITY" -screen 0 1600x1000x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
for _ in $(seq 100); do
    xwininfo -root >/dev/null 2>&1 && break
    kill -0 "$xvfb_pid" 2>/dev/null || { echo "FAIL: Xvfb did not start: $(cat "$tmp/xvfb.log")"; exit 1; }
    sleep 0.1
done

# As root: with no cookie to hand over, the wrapper says what to do.
if [ "$(id -u)" = 0 ]; then
    : >"$tmp/empty-xauthority"
    set +e
    XAUTHORITY="$tmp/empty-xauthority" "$wrapper" --build "$build" "$root/captures/keepalive.pcap" \
        >"$tmp/denied.out" 2>"$tmp/denied.err"
    status=$?
    set -e
    if [ "$status" != 2 ] || ! grep -q "xhost +si:localuser:nobody" "$tmp/denied.err"; then
        failed "as root with no X cookie for nobody: exit $status, no xhost advice: $(cat "$tmp/denied.err")"
    else
        echo "ok: as root, no cookie for nobody: $(head -n 1 "$tmp/denied.err")"
    fi
fi

"$wrapper" --build "$build" "$root/captures/keepalive.pcap" >"$tmp/wireshark.out" 2>"$tmp/wireshark.err" &
wrapper_pid=$!

# descendants PID: every process below PID.
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

window=""
for _ in $(seq 120); do
    if [ -z "$ws_pid" ]; then
        for p in $(descendants "$wrapper_pid"); do
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = wireshark ] && ws_pid=$p
        done
    fi
    window=$(xwininfo -root -tree 2>/dev/null | grep -E '^ +0x[0-9a-f]+ "keepalive\.pcap":' | head -n 1 || true)
    [ -n "$window" ] && break
    kill -0 "$wrapper_pid" 2>/dev/null || break
    sleep 0.5
done
if [ -z "$window" ]; then
    echo "FAIL: no Wireshark window titled keepalive.pcap within 60 s; wrapper's stderr:"
    cat "$tmp/wireshark.err"
    exit 1
fi
echo "ok: window $(echo "$window" | awk '{print $1, $2}')"
[ -n "$ws_pid" ] || { echo "FAIL: no wireshark process under the wrapper"; exit 1; }
sleep 5    # the packet list is drawn after the window is mapped

# 1. No other window: Wireshark's dialogs (a bad coloring rule, a plugin
#    that failed to load) would be top-level windows with titles of their own.
others=$(xwininfo -root -children 2>/dev/null | grep -E '^ +0x[0-9a-f]+ "' | grep -v -E '"(keepalive\.pcap|Wireshark|Qt Selection Owner for wireshark)":' || true)
[ -z "$others" ] || failed "other windows: $others"

# 2. The build's plugin, from the staged folder.
mapped=$(grep -o '/[^ ]*/ws-plugins\.[^/]*/plugins/[^/]*/epan/tcphs\.so$' "/proc/$ws_pid/maps" | head -n 1 || true)
built=$(ls "$build"/plugins/*/epan/tcphs.so | head -n 1)
if [ -z "$mapped" ]; then
    failed "wireshark (pid $ws_pid) has mapped no staged tcphs.so: $(grep tcphs /proc/"$ws_pid"/maps | head -n 2)"
elif ! cmp -s "$mapped" "$built"; then
    failed "the mapped $mapped is not the build's $built"
else
    echo "ok: wireshark (pid $ws_pid, user $(stat -c %U /proc/"$ws_pid")) runs the build's plugin: $mapped"
fi
profile_arg=$(tr '\0' ' ' <"/proc/$ws_pid/cmdline")
case "$profile_arg" in
    "wireshark -C tcphs "*) echo "ok: $profile_arg" ;;
    *) failed "wireshark was not started in the tcphs profile: $profile_arg" ;;
esac

# 3. The profile's colours on screen (16-bit colours of docs/profile-tcphs/
#    colorfilters, as Wireshark draws them: the high byte of each).
import -window root "$tmp/screen.png"
histogram=$(convert "$tmp/screen.png" -format %c histogram:info:- 2>/dev/null)
for rule in "handshake:C8F0C8" "keep-alive:E0D0F8" "data:D0E4FF"; do
    name=${rule%%:*}
    colour=${rule#*:}
    pixels=$(printf '%s\n' "$histogram" | awk -v c="#$colour" 'toupper($3) == c { print $1 + 0 }' | head -n 1)
    if [ "${pixels:-0}" -lt 2000 ]; then
        failed "the lab profile's $name colour #$colour covers ${pixels:-0} pixels (want rows of it); screen saved as $(cp "$tmp/screen.png" "${TMPDIR:-/tmp}/gui-wrapper-screen.png" && echo "${TMPDIR:-/tmp}/gui-wrapper-screen.png")"
    else
        echo "ok: the profile's $name colour #$colour on $pixels pixels"
    fi
done

# 4. Quit; the wrapper ends and removes its staging folder.
stage=${mapped%/plugins/*}
kill "$ws_pid"
for _ in $(seq 50); do
    kill -0 "$wrapper_pid" 2>/dev/null || break
    sleep 0.2
done
if kill -0 "$wrapper_pid" 2>/dev/null; then
    failed "the wrapper did not end with Wireshark"
else
    wait "$wrapper_pid" 2>/dev/null || true
    [ ! -e "$stage" ] || failed "the staging folder $stage is left behind"
fi
ws_pid=""
wrapper_pid=""

if [ "$fail" = 0 ]; then
    echo "gui_wrapper: Wireshark opened keepalive.pcap with the build's tcphs.so and the lab profile"
fi
exit $fail
