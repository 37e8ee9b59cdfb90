#!/usr/bin/env bash
# make-screenshots.sh: regenerate the Wireshark screenshots in docs/ with the
# real Wireshark GUI (Debian's wireshark-qt) running under Xvfb.
#
#   bash docs/make-screenshots.sh [--out DIR] [--keep] [BUILD_DIR]
#
# BUILD_DIR is the plugin's build tree (default: build/ next to docs/); its
# plugins/<major.minor>/epan/tcphs.so is loaded, nothing is installed.  The
# PNGs are written to --out (default: this docs/ folder).  Wireshark runs with
# the lab profile docs/profile-tcphs (its columns Phase, Event, Client state,
# Server state, Note and its coloring rules):
#
#   wireshark-handshake.png   client-close.pcap, the SYN-ACK selected; the
#                             Handshake Analysis tree open (state changes,
#                             note, RTT) with the Connection subtree's
#                             Handshake and Options groups open
#   wireshark-teardown.png    client-close.pcap, the peer's FIN selected:
#                             both state changes, the Close and Links groups,
#                             the related-packet marks in the packet list
#   wireshark-keepalive.png   all of keepalive.pcap in the profile's colours,
#                             a keep-alive ACK selected
#   wireshark-transfer.png    transfer.pcap, a data segment selected:
#                             Acknowledged in, RTT sample, RFC 6298 estimator,
#                             the Counters group (throughputs)
#   wireshark-loss.png        transfer-loss.pcap, the fast retransmission
#                             (frame 53) selected among the duplicate ACKs
#                             in Wireshark's Bad TCP colours: Acknowledged
#                             in 87, no RTT sample, and the note that says
#                             why (Karn's rule)
#   wireshark-note-column.png transfer.pcap in a window 1600x1000 as the
#                             profile lays it out: the Note column readable
#                             (about 110 characters), the details pane the
#                             full width
#   wireshark-statistics.png  Statistics > TCP Handshake Analysis on 28
#                             captures merged into one (29 connections; the
#                             script says how many it merged), Segments closed
#
# It installs nothing: it checks for the programs it drives and names the
# Debian packages that provide them.  Each screenshot gets a fresh private
# HOME and a fresh Wireshark process.  The plugin folder and the HOME with
# the lab profile are staged by tools/lib-tcphs-run.sh, as for
# tools/wireshark-with-tcphs: the pictures show the profile AS SHIPPED (its
# panes, columns and widths); the script only sets the window's size and
# turns off the update check and the unsaved-file question.  As root,
# Wireshark runs as the unprivileged user nobody, because Wireshark ignores
# WIRESHARK_PLUGIN_DIR for root.  A small window manager
# (openbox) runs on the virtual display so that windows have title bars and
# keyboard focus works as on a desktop.  --keep leaves the scratch folder
# (profiles, staged plugins, captures, logs) for inspection.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tools/lib-tcphs-run.sh
. "$top/tools/lib-tcphs-run.sh"
TCPHS_ME=make-screenshots
build="$top/build"
out="$here"
keep=0

while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
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

tcphs_find_plugin "$build" || exit 1
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

# The plugin folder WIRESHARK_PLUGIN_DIR names: tcphs.so and links to the
# system's own plugins (tools/lib-tcphs-run.sh).
mkdir -p "$work/files"
tcphs_stage_plugins "$work/plugins" "$TCPHS_PLUGIN"

cp "$captures/client-close.pcap" "$captures/keepalive.pcap" "$captures/transfer.pcap" \
    "$captures/transfer-loss.pcap" "$work/files/"

# A capture with many connections for the statistics, with initial RTTs of
# three sizes: the loopback recordings (tens of microseconds), the crafted
# captures (31.5 ms, split-handshake.pcap 63 ms; all stamped 2024-03-14) and
# the delay-line recordings (40 ms, recorded on another day).  Each group is
# moved in time as a block to start with the loopback recordings, so that
# rates and burst times stay readable; within a group the files keep their
# own times.
recorded=(client-close server-close refused abort-client abort-server keepalive ipv6
          simultaneous-close half-close rst-closed-socket)
crafted=(syn-lost-once syn-unanswered synack-bad-ack handshake-bad-ack simultaneous-open
         midstream starts-at-synack data-before-handshake rst-after-data fin-retransmission
         port-reuse syn-icmp-rejected icmpv6-error vlan split-handshake tfo-accepted)
delayline=(transfer transfer-loss)
start_of() { capinfos -a -T -r -S "$1" | cut -f2; }
earliest() {    # earliest NAME...: the earliest start of those captures
    local first="" name s
    for name in "$@"; do
        [ -f "$captures/$name.pcap" ] || continue
        s=$(start_of "$captures/$name.pcap")
        if [ -z "$first" ] || awk -v a="$s" -v b="$first" 'BEGIN { exit !(a < b) }'; then
            first=$s
        fi
    done
    printf '%s\n' "${first:-0}"
}
parts=()
merged_names=()
reference=$(earliest "${recorded[@]}")
mkdir -p "$work/shifted"
add_group() {    # add_group NAME...: shift the group to $reference, add to parts
    local shift_by name
    shift_by=$(awk -v a="$reference" -v b="$(earliest "$@")" 'BEGIN { printf "%.6f", a - b }')
    for name in "$@"; do
        [ -f "$captures/$name.pcap" ] || { say "skipping missing $name.pcap"; continue; }
        editcap -t "$shift_by" "$captures/$name.pcap" "$work/shifted/$name.pcap"
        parts+=("$work/shifted/$name.pcap")
        merged_names+=("$name")
    done
}
add_group "${recorded[@]}"
add_group "${crafted[@]}"
add_group "${delayline[@]}"
mergecap -F pcap -w "$work/files/handshake-mix.pcap" "${parts[@]}"
say "handshake-mix.pcap: ${#parts[@]} captures merged (${merged_names[*]})"

chmod -R a+rX "$work"

# ---- the virtual display --------------------------------------------------------------------

width=1600
height=1200
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

# new_home NAME [WINDOW-HEIGHT]: a private HOME whose Wireshark has the lab profile
# docs/profile-tcphs as the profile "tcphs", as tools/wireshark-with-tcphs
# stages it (tcphs_stage_home), plus what a screenshot needs and a reader
# does not see: the window's size (maximized, or WINDOW-HEIGHT high and the
# screen's width), no update check, no unsaved-file question.
new_home() {
    local home="$work/home-$1" wh=${2:-$height} maximized=TRUE
    [ -n "${2:-}" ] && maximized=FALSE
    local conf="$home/.config/wireshark"
    tcphs_stage_home "$home"
    cat >>"$conf/profiles/tcphs/preferences" <<'EOF'

# Added by docs/make-screenshots.sh
gui.ask_unsaved: FALSE
gui.update.enabled: FALSE
EOF
    cat >"$conf/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $wh
gui.geometry_main_maximized: $maximized
gui.last_used_profile: tcphs
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
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
            wireshark -C tcphs "$@" >"$home.log" 2>&1 &
    else
        env HOME="$home" XDG_RUNTIME_DIR="$home/run" WIRESHARK_PLUGIN_DIR="$work/plugins" \
            wireshark -C tcphs "$@" >"$home.log" 2>&1 &
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

# save_png SOURCE DEST [compact]: a small PNG (256 colours, no dithering: the
# text stays sharp) without time stamps in it.  With "compact", the empty
# rows under the last line of the packet details are left out: the picture
# keeps the screen down to that line and the last 40 pixels (the pane's
# scroll bar and the status bar), as a shorter window would show it.
save_png() {
    local src=$1 box y h keep
    if [ "${3:-}" = compact ]; then
        # The bounding box of what is not white between the toolbars and the
        # details pane's scroll bar.
        box=$(convert "$1" -crop "$((width - 40))x$((height - 345))+20+300" +repage \
              -fuzz 3% -format '%@' info:)
        h=${box#*x}; h=${h%%+*}
        y=${box##*+}
        keep=$((300 + y + h + 12))
        if [ "$keep" -lt $((height - 60)) ]; then
            convert "$1" \( -clone 0 -crop "${width}x${keep}+0+0" \) \
                \( -clone 0 -crop "${width}x40+0+$((height - 40))" \) \
                -delete 0 +repage -append "$work/compact.png"
            src="$work/compact.png"
        fi
    fi
    convert "$src" -strip -dither None -colors 256 -define png:exclude-chunks=date,time "PNG8:$2"
    say "wrote $2 ($(identify -format '%wx%h' "$2"), $(du -k "$2" | cut -f1) KiB)"
}

# tree_keys WIN KEY...: focus the packet details pane, select its last
# top-level item (Handshake Analysis, the post-dissector's tree, comes last)
# and press KEYs there, one by one.  In the tree Right opens the current item
# (shift+Right all its subtrees), End goes to the last visible item, Down and
# Up to the next and previous one; Wireshark remembers an opened subtree for
# every packet, as a user's click would.
tree_keys() {
    local win=$1 key
    shift
    xdotool windowactivate --sync "$win" >/dev/null 2>&1 || true
    # Empty space at the bottom of the details pane (the tree is still
    # collapsed): focuses it, selects nothing.
    xdotool mousemove $((width / 2)) "${click_y:-$((height - 60))}" click 1
    sleep 0.3
    # With no current item the first End only selects the first item.
    xdotool key End
    sleep 0.3
    xdotool key End
    sleep 0.3
    for key in "$@"; do
        xdotool key "$key"
        sleep 0.4
    done
    xdotool mousemove $((width - 5)) $((height - 5))    # no hover highlight
    sleep 0.5
}

settle() { sleep "${1:-3}"; }

# main_shot NAME FILE WIRESHARK-ARGS -- KEYS...: open FILE in a fresh
# Wireshark, go back $back packets (Go > Previous Packet, Ctrl+Up: with -g
# a few packets further on, the selected packet is not the list's last,
# half-hidden row), press KEYS in the details pane, save the screen as
# $work/NAME.png.
main_shot() {
    local name=$1 file=$2 title
    shift 2
    local args=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
    shift
    title="^$(basename "$file" | sed 's/\./\\./g')"
    say "$name"
    home=$(new_home "$name")
    start_wireshark "$home" -r "$work/files/$file" "${args[@]}"
    win=$(wait_window "$title")
    [ -n "$win" ] || die "no Wireshark window for $file: $(cat "$home.log")"
    settle
    check_no_surprise "$title\$"
    local i
    for i in $(seq "${back:-0}"); do
        xdotool windowactivate --sync "$win" >/dev/null 2>&1 || true
        xdotool key --clearmodifiers ctrl+Up
        sleep 0.3
    done
    tree_keys "$win" "$@"
    import -window root "$work/$name.png"
    check_no_surprise "$title\$"
    quit_wireshark "$win"
}

# dialog_shot WINDOW NAME: $work/NAME.png, the dialog WINDOW with its title
# bar (the window manager's frame around it) cut from the screen; then the
# dialog is closed.
dialog_shot() {
    local dlg=$1 name=$2 frame
    frame=$(xwininfo -id "$dlg" -frame | awk '
        /Absolute upper-left X/ { x = $NF } /Absolute upper-left Y/ { y = $NF }
        /Relative upper-left X/ { rx = $NF } /Relative upper-left Y/ { ry = $NF }
        /^ *Width:/ { w = $NF } /^ *Height:/ { h = $NF }
        END { printf "%dx%d+%d+%d", w + 2 * rx, h + ry + rx, x - rx, y - ry }')
    import -window root "$work/$name-full.png"
    convert "$work/$name-full.png" -crop "$frame" +repage "$work/$name.png"
    xdotool windowactivate --sync "$dlg" >/dev/null 2>&1 || true
    xdotool key Escape
    sleep 0.5
}

# ---- 1: the handshake -------------------------------------------------------------------------

# The SYN-ACK of client-close.pcap: the Handshake Analysis tree open, and in
# it the Connection subtree with its Handshake and Options groups (Close,
# Counters and Links stay closed, their labels sum them up; the profile's
# details pane has room for no more).  Keys: open the tree; End:
# Connection, open it; three Down: its Handshake group, open it; End: the
# Links group; three Up: Options, open it.
main_shot handshake client-close.pcap -g 2 -- \
    Right End Right Down Down Down Right End Up Up Up Right
save_png "$work/handshake.png" "$out/wireshark-handshake.png" compact

# ---- 2: the teardown --------------------------------------------------------------------------

# The peer's FIN of client-close.pcap (frame 10): the state changes of both
# sides, the Close and Links groups open, and the packet list's marks of
# the frames the selected one refers to (tcphs.frame.*, tcphs.acked_in).
# Keys: open the tree; End: Connection, open it; End: Links, open it; two
# Up: the Close group, open it.
main_shot teardown client-close.pcap -g 10 -- \
    Right End Right End Right Up Up Right
save_png "$work/teardown.png" "$out/wireshark-teardown.png" compact

# ---- 3: keep-alives ---------------------------------------------------------------------------

# All of keepalive.pcap in the lab profile's colours, a keep-alive ACK
# selected, the Handshake Analysis tree open one level.
main_shot keepalive keepalive.pcap -g 9 -- Right
save_png "$work/keepalive.png" "$out/wireshark-keepalive.png" compact

# ---- 4: data transfer -------------------------------------------------------------------------

# A full-sized data segment of transfer.pcap (frame 8): Acknowledged in, the
# RTT sample and the RFC 6298 estimator, the receive window in bytes; the
# Counters group open for the throughputs.  Keys: open the tree; End:
# Connection, open it; End: Links; Up: Counters, open it.
main_shot transfer transfer.pcap -g 8 -- \
    Right End Right End Up Right
save_png "$work/transfer.png" "$out/wireshark-transfer.png" compact

# ---- 5: a lost segment ------------------------------------------------------------------------

# transfer-loss.pcap: the client's fast retransmission (frame 53) of the
# segment the delay line dropped, among the server's duplicate ACKs, all
# in Wireshark's Bad TCP colours (the lab profile keeps them before its
# phase colours); the Handshake Analysis tree open one level: acknowledged
# in frame 87 with the segment's first copy, and no RTT sample (Karn's
# rule), which the note explains.
back=6 main_shot loss transfer-loss.pcap -g 59 -- Right
save_png "$work/loss.png" "$out/wireshark-loss.png" compact

# ---- 6: the Note column at 1600 pixels ---------------------------------------------------------

# transfer.pcap in a window 1600x1000 (its frame), the profile's own panes
# and column widths: the notes of the data segments read in the packet
# list, the details pane the window's width.  Frame 15 selected, its tree
# open one level.
say "note-column"
home=$(new_home note-column 1000)
start_wireshark "$home" -r "$work/files/transfer.pcap" -g 15
win=$(wait_window '^transfer\.pcap')
[ -n "$win" ] || die "no Wireshark window for transfer.pcap: $(cat "$home.log")"
xdotool windowsize --sync "$win" "$width" 1000 >/dev/null 2>&1 || true
xdotool windowmove --sync "$win" 0 0 >/dev/null 2>&1 || true
settle
check_no_surprise '^transfer\.pcap$'
click_y=940 tree_keys "$win" Right
frame=$(xwininfo -id "$win" -frame | awk '
    /Absolute upper-left X/ { x = $NF } /Absolute upper-left Y/ { y = $NF }
    /Relative upper-left X/ { rx = $NF } /Relative upper-left Y/ { ry = $NF }
    /^ *Width:/ { w = $NF } /^ *Height:/ { h = $NF }
    END { printf "%dx%d+%d+%d", w + 2 * rx, h + ry + rx, x - rx, y - ry }')
import -window root "$work/note-column-full.png"
convert "$work/note-column-full.png" -crop "$frame" +repage "$work/note-column.png"
check_no_surprise '^transfer\.pcap$'
quit_wireshark "$win"
save_png "$work/note-column.png" "$out/wireshark-note-column.png"

# ---- 7: Statistics > TCP Handshake Analysis ---------------------------------------------------

say "statistics"
home=$(new_home statistics)
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
# Room for the whole Connections tree; sorted by Count, largest first (two
# clicks on the Count header, the second column; the iRTT buckets keep their
# order); the Segments tree (phases and events) is closed: a click on the
# first row, then typing its name selects it, Left closes it.
xdotool windowsize --sync "$dlg" 900 740 >/dev/null 2>&1 || true
xdotool windowmove --sync "$dlg" 40 20 >/dev/null 2>&1 || true
sleep 0.5
xdotool mousemove --window "$dlg" 250 22 click 1
sleep 0.5
xdotool mousemove --window "$dlg" 250 22 click 1
sleep 0.5
# The Count column is sized to its numbers and cuts its title: drag the
# border between Count and Average to the right.
xdotool mousemove --window "$dlg" 272 22 mousedown 1
sleep 0.2
xdotool mousemove_relative 25 0
sleep 0.2
xdotool mouseup 1
sleep 0.5
xdotool mousemove --window "$dlg" 120 40 click 1
sleep 0.5
xdotool type --delay 100 Segments
sleep 0.5
xdotool key Left
sleep 0.5
xdotool mousemove $((width - 5)) $((height - 5))
sleep 0.5
check_no_surprise '^handshake-mix\.pcap$|TCP Handshake Analysis'
dialog_shot "$dlg" statistics
quit_wireshark "$win"
save_png "$work/statistics.png" "$out/wireshark-statistics.png"

# ---- 7: an annotated capture in a Wireshark without tcphs -----------------------------------

# wireshark-annotated.png: keepalive.pcap annotated by tools/tcphs-annotate
# and opened in a Wireshark WITHOUT tcphs (no plugin folder of ours, the
# Default profile plus one column for frame.comment): the SYN-ACK (frame 2)
# selected, its note under "Packet comments" at the top of the tree; beside
# it the Expert Information dialog with the notes under Comment.
annotated_shot() {
    local file="$work/files/keepalive-annotated.pcapng" home conf title win dlg frame
    say "annotated"
    TSHARK="$top/tools/tshark-with-tcphs --build $build --" \
        "$top/tools/tcphs-annotate" --force "$captures/keepalive.pcap" "$file" >&2
    chmod a+r "$file"
    home="$work/home-annotated"
    conf="$home/.config/wireshark"
    mkdir -p "$conf" "$home/run"
    cat >"$conf/preferences" <<'PREFS'
gui.column.format: 
	"No.", "%m",
	"Time", "%t",
	"Source", "%s",
	"Destination", "%d",
	"Protocol", "%p",
	"Length", "%L",
	"Info", "%i",
	"Comment", "%Cus:frame.comment:0:R"
gui.layout_type: 2
gui.packet_list_show_minimap: FALSE
gui.ask_unsaved: FALSE
gui.update.enabled: FALSE
PREFS
    cat >"$conf/recent_common" <<RECENT
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $height
gui.geometry_main_maximized: TRUE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
RECENT
    cat >"$conf/recent" <<RECENT
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: 560
column.width:
	%m, 50,
	%t, 80,
	%s, 90,
	%d, 90,
	%p, 62,
	%L, 55,
	%i, 430,
	"%Cus:frame.comment:0:R", 600
RECENT
    chmod -R a+rX "$home"
    chmod 700 "$home/run"
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown -R 65534:65534 "$home"
        as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi
    # No WIRESHARK_PLUGIN_DIR: the system's plugins only; make sure that
    # tcphs is not among them.
    if "${as[@]}" env HOME="$home" tshark -G protocols 2>/dev/null | grep -q -P '\ttcphs$'; then
        die "this Wireshark loads tcphs without being asked (installed?): the annotated shot needs one without"
    fi
    "${as[@]}" env HOME="$home" XDG_RUNTIME_DIR="$home/run" \
        wireshark -g 2 -r "$file" >"$home.log" 2>&1 &
    ws_pid=$!
    title='^keepalive-annotated\.pcapng'
    win=$(wait_window "$title")
    [ -n "$win" ] || die "no Wireshark window for keepalive-annotated.pcapng: $(cat "$home.log")"
    settle
    check_no_surprise "$title\$"
    # The details pane: click its empty space, Home selects "Packet
    # comments", Right opens it.
    xdotool windowactivate --sync "$win" >/dev/null 2>&1 || true
    xdotool mousemove $((width / 2)) $((height - 60)) click 1
    sleep 0.3
    xdotool key Home
    sleep 0.3
    xdotool key Right
    sleep 0.4
    xdotool mousemove $((width - 5)) $((height - 5))
    sleep 0.5
    # The expert indicator at the left of the status bar opens Analyze >
    # Expert Information.
    xdotool mousemove 16 $((height - 12)) click 1
    dlg=$(wait_window 'Expert Information' 20)
    [ -n "$dlg" ] || die "the Expert Information dialog did not open"
    sleep 1
    xdotool windowsize --sync "$dlg" 1540 350 >/dev/null 2>&1 || true
    xdotool windowmove --sync "$dlg" 30 800 >/dev/null 2>&1 || true
    sleep 1
    # Its tree sorted by severity, Comment (the notes) first: a click on
    # the Severity header; the Summary column wider: its right border
    # dragged to the right; a click on the first row, Right opens it.
    xdotool mousemove --window "$dlg" 60 22 click 1
    sleep 0.5
    xdotool mousemove --window "$dlg" 540 22 mousedown 1
    sleep 0.2
    xdotool mousemove_relative 560 0
    sleep 0.2
    xdotool mouseup 1
    sleep 0.5
    xdotool mousemove --window "$dlg" 300 40 click 1
    sleep 0.3
    xdotool key Home
    sleep 0.3
    xdotool key Right
    sleep 0.5
    xdotool mousemove $((width - 5)) $((height - 5))
    sleep 0.5
    check_no_surprise "$title\$|Expert Information"
    import -window root "$work/annotated.png"
    quit_wireshark "$win"
    save_png "$work/annotated.png" "$out/wireshark-annotated.png"
}
annotated_shot

# ---- 8: Statistics > Flow Graph, the tcphs flow type -------------------------------------------

# wireshark-flow-graph.png: keepalive.pcap's ladder in Statistics > Flow
# Graph with the flow type "TCP Handshake Analysis" (flow-tcphs.c,
# docs/flow-graph.md): one arrow per segment between the client's and the
# server's lifeline, each labelled with its tcphs.event, the rows in the lab
# profile's phase colours.  The comment column is cut after 20 em by
# Wireshark, so the pointer rests on the SYN-ACK: the hint under the diagram
# shows its whole comment (ISN, ack arithmetic, both state changes).
# Needs a Wireshark with the flow type (4.0: docs/flow-graph.md).
flow_graph_shot() {
    local home win dlg frame shot
    [ -f "$work/files/keepalive.pcap" ] || cp "$captures/keepalive.pcap" "$work/files/"
    say "flow-graph"
    home=$(new_home flow-graph 300)
    start_wireshark "$home" -r "$work/files/keepalive.pcap"
    win=$(wait_window '^keepalive\.pcap')
    [ -n "$win" ] || die "no Wireshark window for keepalive.pcap: $(cat "$home.log")"
    settle
    check_no_surprise '^keepalive\.pcap$'
    # Statistics menu (Alt+S); Flow Graph is its 17th entry in 4.0 (Qt's
    # menus have no type-ahead): 16 Downs from the first.
    xdotool windowactivate --sync "$win" >/dev/null 2>&1 || true
    xdotool key --clearmodifiers alt+s
    sleep 1
    for _ in $(seq 16); do
        xdotool key Down
        sleep 0.1
    done
    sleep 0.5
    import -window root "$work/flow-graph-menu.png"
    xdotool key Return
    dlg=$(wait_window 'Flow.*keepalive' 20)
    if [ -z "$dlg" ]; then
        shot=$(failure_shot "$work/flow-graph-menu.png" flow-graph-menu)
        die "Statistics > Flow Graph did not open a window; the menu as it was is in $shot"
    fi
    settle 2
    # A size that fits the 31 arrows with the comment column beside the
    # ladder.  The Flow type box is 535 pixels from the left and 56 from the
    # bottom of that layout: a click opens its list, typing selects "TCP
    # Handshake Analysis" (it opens on "All Flows"), Return takes it.
    local dlg_w=1000 dlg_h=1010
    xdotool windowsize --sync "$dlg" "$dlg_w" "$dlg_h" >/dev/null 2>&1 || true
    xdotool windowmove --sync "$dlg" 40 20 >/dev/null 2>&1 || true
    sleep 1
    xdotool mousemove --window "$dlg" 535 $((dlg_h - 56)) click 1
    sleep 1
    xdotool type --delay 80 "TCP Handshake"
    sleep 0.5
    xdotool key Return
    settle 2
    # The pointer on the SYN-ACK's arrow (second row): its whole comment in the hint.
    xdotool mousemove --window "$dlg" 333 103
    sleep 1
    check_no_surprise '^keepalive\.pcap$|Flow.*keepalive'
    dialog_shot "$dlg" flow-graph
    quit_wireshark "$win"
    save_png "$work/flow-graph.png" "$out/wireshark-flow-graph.png"
}
flow_graph_shot

say "done"
