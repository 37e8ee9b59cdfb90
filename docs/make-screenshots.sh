#!/usr/bin/env bash
# make-screenshots.sh: regenerate the Wireshark screenshots in docs/ with the
# real Wireshark GUI (Debian's wireshark-qt) running under Xvfb.
#
#   bash docs/make-screenshots.sh [--out DIR] [--keep] [BUILD_DIR]
#
# BUILD_DIR is the plugin's build tree (default: build/ next to docs/); its
# plugins/<major.minor>/epan/tcphs.so is loaded, nothing is installed.  The
# PNGs are written to --out (default: this docs/ folder):
#
#   wireshark-handshake.png   client-close.pcap, the SYN-ACK selected, the
#                             Phase/Event/Note custom columns, the Handshake
#                             Analysis tree expanded (ISNs, ack check, note,
#                             Connection subtree)
#   wireshark-keepalive.png   keepalive.pcap filtered on tcphs.event
#                             contains "keep-alive", a keep-alive selected
#   wireshark-statistics.png  Statistics > TCP Handshake Analysis on 24 of the
#                             test captures merged into one (25 connections)
#
# It installs nothing: it checks for the programs it drives and names the
# Debian packages that provide them.  Each screenshot gets a fresh private
# profile (custom columns, window size, pane sizes) and a fresh Wireshark
# process; as root, Wireshark runs as the unprivileged user nobody, because
# Wireshark ignores WIRESHARK_PLUGIN_DIR for root.  A small window manager
# (openbox) runs on the virtual display so that windows have title bars and
# keyboard focus works as on a desktop.  --keep leaves the scratch folder
# (profiles, staged plugins, captures, logs) for inspection.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
build="$top/build"
out="$here"
keep=0

while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "make-screenshots: unknown option $1" >&2; exit 2 ;;
        *) build=$1; shift ;;
    esac
done

say() { printf 'make-screenshots: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# ---- what must be there ---------------------------------------------------------------------

missing=()
need() {    # need COMMAND DEBIAN-PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing+=("$1 (apt-get install $2)")
}
need wireshark wireshark-qt
need mergecap wireshark-common
need editcap wireshark-common
need capinfos wireshark-common
need Xvfb xvfb
need openbox openbox
need xdotool xdotool
need xwininfo x11-utils
need import imagemagick
need convert imagemagick
if [ "$(id -u)" = 0 ]; then
    need setpriv util-linux
fi
if [ ${#missing[@]} -eq 0 ] && ! convert -version 2>/dev/null | grep -q ImageMagick; then
    missing+=("ImageMagick's convert (apt-get install imagemagick)")
fi
if [ ${#missing[@]} -gt 0 ]; then
    say "missing programs:"
    printf '  %s\n' "${missing[@]}" >&2
    say "on Debian/Ubuntu: apt-get install -y wireshark-qt xvfb openbox xdotool x11-utils imagemagick"
    exit 2
fi

plugin=$(ls "$build"/plugins/*/epan/tcphs.so 2>/dev/null | head -n 1 || true)
[ -n "$plugin" ] || die "no tcphs.so under $build/plugins (build it first: cmake --build $build)"
release=$(basename "$(dirname "$(dirname "$plugin")")")    # e.g. 4.0
system_dir=$(pkg-config --variable=plugindir wireshark 2>/dev/null || true)
if [ -z "$system_dir" ] || [ ! -d "$system_dir" ]; then
    system_dir=$(ls -d /usr/lib/*/wireshark/plugins/"$release" 2>/dev/null | head -n 1 || true)
fi
captures="$top/captures"
[ -f "$captures/client-close.pcap" ] || die "no captures in $captures"
mkdir -p "$out"

# ---- scratch folder, staged plugins, captures -----------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/tcphs-shots.XXXXXX")
xvfb_pid=""
wm_pid=""
ws_pid=""
cleanup() {
    set +e
    [ -n "$ws_pid" ] && kill "$ws_pid" 2>/dev/null
    [ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null
    if [ "$keep" = 1 ]; then
        say "scratch folder kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# Wireshark reads plugins from $WIRESHARK_PLUGIN_DIR/<release>/epan, which
# replaces the system folder: stage a copy of tcphs.so with links to the
# system's own plugins (as tools/tshark-with-tcphs does).
mkdir -p "$work/plugins/$release/epan" "$work/files"
cp "$plugin" "$work/plugins/$release/epan/tcphs.so"
if [ -n "$system_dir" ]; then
    for entry in "$system_dir"/*; do
        name=$(basename "$entry")
        if [ "$name" = epan ]; then
            for so in "$entry"/*.so; do
                [ -e "$so" ] && [ "$(basename "$so")" != tcphs.so ] && ln -s "$so" "$work/plugins/$release/epan/"
            done
        else
            ln -s "$entry" "$work/plugins/$release/$name"
        fi
    done
fi

cp "$captures/client-close.pcap" "$captures/keepalive.pcap" "$work/files/"

# A capture with many connections for the statistics: the recorded captures
# as they are, and the crafted ones (all stamped 2024-03-14) moved in time to
# start with the recorded ones, so that rates and burst times stay readable.
recorded=(client-close server-close refused abort-client abort-server keepalive ipv6
          simultaneous-close half-close rst-closed-socket)
crafted=(syn-lost-once syn-unanswered synack-bad-ack handshake-bad-ack simultaneous-open
         midstream starts-at-synack data-before-handshake rst-after-data fin-retransmission
         port-reuse syn-icmp-rejected icmpv6-error vlan)
start_of() { capinfos -a -T -r -S "$1" | cut -f2; }
parts=()
recorded_start=""
for name in "${recorded[@]}"; do
    [ -f "$captures/$name.pcap" ] || { say "skipping missing $name.pcap"; continue; }
    parts+=("$captures/$name.pcap")
    s=$(start_of "$captures/$name.pcap")
    if [ -z "$recorded_start" ] || awk -v a="$s" -v b="$recorded_start" 'BEGIN { exit !(a < b) }'; then
        recorded_start=$s
    fi
done
crafted_start=""
for name in "${crafted[@]}"; do
    [ -f "$captures/$name.pcap" ] || continue
    s=$(start_of "$captures/$name.pcap")
    if [ -z "$crafted_start" ] || awk -v a="$s" -v b="$crafted_start" 'BEGIN { exit !(a < b) }'; then
        crafted_start=$s
    fi
done
shift_by=$(awk -v a="${recorded_start:-0}" -v b="${crafted_start:-0}" 'BEGIN { printf "%.6f", a - b }')
mkdir -p "$work/shifted"
for name in "${crafted[@]}"; do
    [ -f "$captures/$name.pcap" ] || { say "skipping missing $name.pcap"; continue; }
    editcap -t "$shift_by" "$captures/$name.pcap" "$work/shifted/$name.pcap"
    parts+=("$work/shifted/$name.pcap")
done
mergecap -F pcap -w "$work/files/handshake-mix.pcap" "${parts[@]}"

chmod -R a+rX "$work"

# ---- the virtual display --------------------------------------------------------------------

width=1600
height=1100
Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
    [ -s "$work/display" ] && break
    kill -0 "$xvfb_pid" 2>/dev/null || die "Xvfb did not start: $(cat "$work/xvfb.log")"
    sleep 0.1
done
[ -s "$work/display" ] || die "Xvfb did not report its display"
export DISPLAY=":$(head -n 1 "$work/display")"
say "Xvfb on $DISPLAY (${width}x${height})"

mkdir -p "$work/wm"
HOME="$work/wm" openbox --sm-disable >"$work/openbox.log" 2>&1 &
wm_pid=$!
sleep 1
kill -0 "$wm_pid" 2>/dev/null || die "openbox did not start: $(cat "$work/openbox.log")"

# ---- Wireshark --------------------------------------------------------------------------------

# new_home NAME UPPER_PANE: a private HOME with a Wireshark profile.
new_home() {
    local home="$work/home-$1" upper=$2
    local conf="$home/.config/wireshark"
    mkdir -p "$conf"
    # Custom columns as Wireshark 4.0 writes them: %Cus:FIELD:OCCURRENCE:R.
    cat >"$conf/preferences" <<'EOF'
# Written by docs/make-screenshots.sh
gui.column.format:
	"No.", "%m",
	"Time", "%t",
	"Source", "%s",
	"Destination", "%d",
	"Protocol", "%p",
	"Phase", "%Cus:tcphs.phase:0:R",
	"Event", "%Cus:tcphs.event:0:R",
	"Info", "%i",
	"Note", "%Cus:tcphs.note:0:R"
gui.layout_type: 2
gui.packet_list_show_minimap: FALSE
gui.ask_unsaved: FALSE
gui.update.enabled: FALSE
EOF
    cat >"$conf/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $height
gui.geometry_main_maximized: TRUE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
    cat >"$conf/recent" <<EOF
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: $upper
column.width:
	%m, 50,
	%t, 80,
	%s, 90,
	%d, 90,
	%p, 62,
	"%Cus:tcphs.phase", 80,
	"%Cus:tcphs.event", 125,
	%i, 420,
	"%Cus:tcphs.note", 585
EOF
    mkdir -p "$home/run"
    chmod -R a+rX "$home"
    chmod 700 "$home/run"    # Qt wants a private XDG_RUNTIME_DIR
    if [ "$(id -u)" = 0 ]; then
        chown -R 65534:65534 "$home"
    fi
    printf '%s\n' "$home"
}

# start_wireshark HOME ARGS...: start Wireshark in the background (ws_pid).
start_wireshark() {
    local home=$1
    shift
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups \
            env HOME="$home" XDG_RUNTIME_DIR="$home/run" WIRESHARK_PLUGIN_DIR="$work/plugins" \
            wireshark "$@" >"$home.log" 2>&1 &
    else
        env HOME="$home" XDG_RUNTIME_DIR="$home/run" WIRESHARK_PLUGIN_DIR="$work/plugins" \
            wireshark "$@" >"$home.log" 2>&1 &
    fi
    ws_pid=$!
}

# wait_window TITLE-REGEX [SECONDS]: the id of the first visible window so named.
wait_window() {
    local id
    id=$(timeout "${2:-60}" xdotool search --sync --onlyvisible --name "$1" 2>/dev/null | head -n 1) || true
    printf '%s\n' "$id"
}

# visible_windows: the titles of all visible named windows, one a line.
visible_windows() {
    local id
    for id in $(xdotool search --onlyvisible --name '.' 2>/dev/null); do
        xdotool getwindowname "$id" 2>/dev/null || true
    done
}

# failure_shot PNG NAME: save the screen (or PNG if given and there) outside
# the output folder, for a failure message; prints where.
failure_shot() {
    local dest
    dest=$(mktemp --suffix=.png "${TMPDIR:-/tmp}/tcphs-shots-$2.XXXXXX")
    if [ -f "$1" ]; then
        cp "$1" "$dest"
    else
        import -window root "$dest" 2>/dev/null || true
    fi
    printf '%s\n' "$dest"
}

# check_no_surprise EXPECTED-REGEX: fail on any other visible window (an error
# or warning dialog, say), after saving what the screen showed.
check_no_surprise() {
    local others
    others=$(visible_windows | grep -v -E "$1" || true)
    if [ -n "$others" ]; then
        local shot
        shot=$(failure_shot "$work/unexpected.png" unexpected-window)
        die "unexpected window(s): $others (the screen is in $shot)"
    fi
}

quit_wireshark() {
    local win=$1
    xdotool windowactivate --sync "$win" >/dev/null 2>&1 || true
    xdotool key --clearmodifiers ctrl+q
    for _ in $(seq 100); do
        kill -0 "$ws_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$ws_pid" 2>/dev/null || true
    wait "$ws_pid" 2>/dev/null || true
    ws_pid=""
}

# save_png SOURCE DEST: a small PNG (256 colours, no dithering: the text stays
# sharp) without time stamps in it.
save_png() {
    convert "$1" -strip -dither None -colors 256 -define png:exclude-chunks=date,time "PNG8:$2"
    say "wrote $2 ($(du -k "$2" | cut -f1) KiB)"
}

# expand_last_tree_item WIN KEY: focus the packet details pane, select its
# last top-level item (Handshake Analysis, the post-dissector's tree, comes
# last) and expand it: Right opens it, shift+Right opens all its subtrees.
expand_last_tree_item() {
    local win=$1 key=$2
    xdotool windowactivate --sync "$win" >/dev/null 2>&1 || true
    # Empty space at the bottom of the details pane: focuses it, selects nothing.
    xdotool mousemove $((width / 2)) $((height - 60)) click 1
    sleep 0.3
    # With no current item the first End only selects the first item.
    xdotool key End
    sleep 0.3
    xdotool key End
    sleep 0.3
    xdotool key "$key"
    sleep 0.5
    xdotool mousemove $((width - 5)) $((height - 5))    # no hover highlight
    sleep 0.5
}

settle() { sleep "${1:-3}"; }

# ---- 1: the handshake -------------------------------------------------------------------------

say "wireshark-handshake.png"
home=$(new_home handshake 215)
start_wireshark "$home" -r "$work/files/client-close.pcap" -g 2
win=$(wait_window '^client-close\.pcap')
[ -n "$win" ] || die "no Wireshark window for client-close.pcap: $(cat "$home.log")"
settle
check_no_surprise '^client-close\.pcap$'
expand_last_tree_item "$win" shift+Right
import -window root "$work/handshake.png"
check_no_surprise '^client-close\.pcap$'
quit_wireshark "$win"
save_png "$work/handshake.png" "$out/wireshark-handshake.png"

# ---- 2: keep-alives ---------------------------------------------------------------------------

say "wireshark-keepalive.png"
home=$(new_home keepalive 380)
start_wireshark "$home" -r "$work/files/keepalive.pcap" -Y 'tcphs.event contains "keep-alive"' -g 8
win=$(wait_window '^keepalive\.pcap')
[ -n "$win" ] || die "no Wireshark window for keepalive.pcap: $(cat "$home.log")"
settle
check_no_surprise '^keepalive\.pcap$'
expand_last_tree_item "$win" Right
import -window root "$work/keepalive.png"
check_no_surprise '^keepalive\.pcap$'
quit_wireshark "$win"
save_png "$work/keepalive.png" "$out/wireshark-keepalive.png"

# ---- 3: Statistics > TCP Handshake Analysis ---------------------------------------------------

say "wireshark-statistics.png"
home=$(new_home statistics 300)
start_wireshark "$home" -r "$work/files/handshake-mix.pcap"
win=$(wait_window '^handshake-mix\.pcap')
[ -n "$win" ] || die "no Wireshark window for handshake-mix.pcap: $(cat "$home.log")"
settle
check_no_surprise '^handshake-mix\.pcap$'
# Statistics menu (Alt+S); Up wraps round to its last entry: the stats trees
# of plugins come last, sorted by name, and "TCP Handshake Analysis" is the
# last of those with Debian's plugins.
xdotool windowactivate --sync "$win" >/dev/null 2>&1 || true
xdotool key --clearmodifiers alt+s
sleep 1
xdotool key Up
sleep 0.5
import -window root "$work/statistics-menu.png"
xdotool key Return
dlg=$(wait_window 'TCP Handshake Analysis' 20)
if [ -z "$dlg" ]; then
    shot=$(failure_shot "$work/statistics-menu.png" statistics-menu)
    die "Statistics > TCP Handshake Analysis did not open a window; the menu as it was is in" \
        "$shot (Wireshark 4.0 lists only the stats trees registered with" \
        "stats_tree_register_plugin() there)"
fi
settle 2
# Room for the whole tree; then sort by Count, largest first (two clicks on
# the Count header, the second column).
xdotool windowsize --sync "$dlg" 900 $((height - 220)) >/dev/null 2>&1 || true
xdotool windowmove --sync "$dlg" 40 40 >/dev/null 2>&1 || true
sleep 0.5
xdotool mousemove --window "$dlg" 225 22 click 1
sleep 0.5
xdotool mousemove --window "$dlg" 225 22 click 1
sleep 0.5
xdotool mousemove $((width - 5)) $((height - 5))
sleep 0.5
check_no_surprise '^handshake-mix\.pcap$|TCP Handshake Analysis'
# The dialog with its title bar: the window manager's frame around it.
frame=$(xwininfo -id "$dlg" -frame | awk '
    /Absolute upper-left X/ { x = $NF } /Absolute upper-left Y/ { y = $NF }
    /Relative upper-left X/ { rx = $NF } /Relative upper-left Y/ { ry = $NF }
    /^ *Width:/ { w = $NF } /^ *Height:/ { h = $NF }
    END { printf "%dx%d+%d+%d", w + 2 * rx, h + ry + rx, x - rx, y - ry }')
import -window root "$work/statistics-full.png"
convert "$work/statistics-full.png" -crop "$frame" +repage "$work/statistics.png"
xdotool windowactivate --sync "$dlg" >/dev/null 2>&1 || true
xdotool key Escape
sleep 0.5
quit_wireshark "$win"
save_png "$work/statistics.png" "$out/wireshark-statistics.png"

say "done"
