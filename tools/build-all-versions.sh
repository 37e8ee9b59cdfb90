#!/usr/bin/env bash
# build-all-versions.sh: compile and link tcphs against several Wireshark
# releases from one source tree.
#
#   tools/build-all-versions.sh [--cache DIR] [--jobs N] [--refresh] [--deb] [--run] [VERSION...]
#   VERSION: 4.0 4.2 4.4 4.6 (default: all four)
#
# The release the machine has (pkg-config wireshark) is built against the
# system.  For the others, the distributions' libwireshark-dev,
# libwsutil-dev, libwiretap-dev, wireshark-dev and the library packages they
# depend on are downloaded with `apt-get download` through a private apt
# configuration (its own lists and an empty dpkg status: nothing on the
# machine is installed or changed), unpacked with `dpkg-deb -x` into
# DIR/prefix/<version>, and CMake builds the plugin with
# -DTCPHS_WIRESHARK_PREFIX=DIR/prefix/<version>, -Werror=incompatible-pointer-types
# and -Wl,--no-undefined, so an API or ABI difference the shim
# (plugin/ws-compat.h) misses fails the build.
#
# Where each release comes from:
#   4.0  Debian 12 bookworm (+ bookworm-security)      [or the system's own 4.0]
#   4.2  Ubuntu 24.04 noble (universe, + -updates, -security): no Debian suite
#        has 4.2.  Best effort: when the Ubuntu archive cannot be reached the
#        release is reported SKIP, not FAIL.
#   4.4  Debian 13 trixie (+ trixie-security)
#   4.6  Debian forky / sid
# The newest package of the wanted major.minor in those suites is taken.
#
# Mirrors: the Debian mirror is read from the machine's own apt configuration
# (/etc/apt/sources.list.d/*.sources and /etc/apt/sources.list); override with
# TCPHS_DEBIAN_MIRROR and TCPHS_DEBIAN_SECURITY_MIRROR.  The Ubuntu archive
# is taken from the apt configuration of an Ubuntu machine, else
# TCPHS_UBUNTU_MIRROR, else Ubuntu's primary archive.
#
# Network waits are bounded: every apt-get run has connection timeouts and
# runs under `timeout` (TCPHS_FETCH_TIMEOUT seconds, default 300).
#
# Downloads, unpacked prefixes, build trees and logs stay in DIR (default
# build-versions/ at the top of the tree, ignored by git); a release fetched
# once is rebuilt offline unless --refresh is given.  --deb also makes the
# Debian package of each build (cpack).
#
# --run also runs each build in the tshark of its own release: for releases
# other than the machine's, the distribution's tshark and everything it needs
# (some 80 packages, about 50 MB) are downloaded the same way, unpacked in
# DIR/runtime/<version>, and run through their own dynamic loader (their glibc
# is newer than the machine's).  It checks that tshark lists the plugin and
# that two-pass tshark gives every case of tests/TESTLIST its expected fields
# (tests/integration/capture_tests.py --two-pass-only, with $TCPHS_TSHARK
# naming the release's tshark; booleans are 1/0 in 4.0 and True/False from
# 4.2 on, doubles print differently in 4.6: the harness reads both the same).
# A case where Wireshark itself answers differently by release is left out
# of the other releases' check, and the verdict line says which and why.
#
# Prints a table: version, Wireshark version, OK/FAIL/SKIP, size of
# tcphs.so, the libwireshark it links against.  Exit status 1 when a release
# FAILed, 2 on a usage error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cache="$root/build-versions"
jobs=$(nproc 2>/dev/null || echo 2)
refresh=0
make_deb=0
run_checks=0
versions=()
fetch_timeout=${TCPHS_FETCH_TIMEOUT:-300}

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --cache) cache=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --refresh) refresh=1; shift ;;
        --deb) make_deb=1; shift ;;
        --run) run_checks=1; shift ;;
        -h|--help) usage; exit 0 ;;
        4.0|4.2|4.4|4.6) versions+=("$1"); shift ;;
        *) echo "build-all-versions: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
[ ${#versions[@]} -eq 0 ] && versions=(4.0 4.2 4.4 4.6)
mkdir -p "$cache" || exit 2
cache=$(cd "$cache" && pwd)

for tool in apt-get apt-cache dpkg-deb dpkg cmake timeout objdump nm pkg-config; do
    command -v "$tool" >/dev/null || { echo "build-all-versions: $tool is missing" >&2; exit 2; }
done
arch=$(dpkg --print-architecture)

log() { echo "build-all-versions: $*" >&2; }

# ---- mirrors from the machine's apt configuration ---------------------------------
# Prints "URI SUITE" for every deb source (deb822 files and one-line lists).
apt_sources() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush() { if (types ~ /(^| )deb( |$)/) for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print uris[i], suites[j]; types = ""; nu = ns = 0 }
            /^[[:space:]]*#/ { next }
            /^[[:space:]]*$/ { flush(); next }
            tolower($1) == "types:"  { types = " " substr($0, index($0, ":") + 1) " " }
            tolower($1) == "uris:"   { nu = split(substr($0, index($0, ":") + 1), uris, " ") }
            tolower($1) == "suites:" { ns = split(substr($0, index($0, ":") + 1), suites, " ") }
            END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # deb [options] URI SUITE COMPONENTS...
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
    done
}

os_id=$(. /etc/os-release 2>/dev/null; echo "${ID:-}")
debian_mirror=${TCPHS_DEBIAN_MIRROR:-}
debian_security=${TCPHS_DEBIAN_SECURITY_MIRROR:-}
ubuntu_mirror=${TCPHS_UBUNTU_MIRROR:-}
while read -r uri suite; do
    uri=${uri%/}
    if [ "$os_id" = ubuntu ] || [[ "$uri" == *ubuntu* ]]; then
        [[ "$suite" == *-security ]] || [ -n "$ubuntu_mirror" ] || ubuntu_mirror=$uri
    elif [[ "$suite" == *-security ]]; then
        [ -n "$debian_security" ] || debian_security=$uri
    else
        [ -n "$debian_mirror" ] || debian_mirror=$uri
    fi
done < <(apt_sources)
ubuntu_mirror=${ubuntu_mirror:-http://archive.ubuntu.com/ubuntu}

# ---- private apt configurations ---------------------------------------------------
# mkapt NAME KEYRING URI "SUITES" "COMPONENTS" [URI "SUITES" ...]: a private apt
# tree in $cache/apt/NAME with its lists updated; prints nothing, returns
# non-zero (after saying why) when the lists cannot be fetched.
aptopts=()
set_aptopts() {
    local a=$cache/apt/$1
    aptopts=(-o "Dir::Etc=$a/etc" -o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$a/etc/sources.list.d"
             -o "Dir::Etc::preferencesparts=$a/etc/preferences.d" -o "Dir::Etc::parts=$a/etc/apt.conf.d"
             -o "Dir::State=$a/state" -o "Dir::State::status=$a/state/status" -o "Dir::Cache=$a/cache"
             -o "APT::Architecture=$arch" -o "APT::Architectures=$arch" -o "Acquire::Languages=none"
             -o "Acquire::PDiffs=false" -o "Acquire::http::Timeout=30" -o "Acquire::https::Timeout=30"
             -o "Acquire::Retries=1" -o "Debug::NoLocking=1")
    [ "$(id -u)" = 0 ] && aptopts+=(-o "APT::Sandbox::User=root")
}

mkapt() {
    local name=$1 keyring=$2; shift 2
    local a=$cache/apt/$name
    set_aptopts "$name"
    if [ -f "$a/updated" ] && [ "$refresh" = 0 ]; then return 0; fi
    rm -rf "$a"
    mkdir -p "$a/etc/sources.list.d" "$a/etc/preferences.d" "$a/etc/apt.conf.d" \
             "$a/state/lists/partial" "$a/cache/archives/partial"
    touch "$a/state/status"
    : > "$a/etc/sources.list.d/tcphs.sources"
    while [ $# -ge 3 ]; do
        printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\nArchitectures: %s\nSigned-By: %s\n\n' \
            "$1" "$2" "$3" "$arch" "$keyring" >> "$a/etc/sources.list.d/tcphs.sources"
        shift 3
    done
    log "reading the package lists of $(awk '/^URIs:/ {printf "%s ", $2} /^Suites:/ {printf "(%s) ", substr($0, 9)}' "$a/etc/sources.list.d/tcphs.sources")"
    timeout "$fetch_timeout" apt-get "${aptopts[@]}" update > "$a/update.log" 2>&1
    local status=$?
    if [ "$status" = 124 ]; then
        log "could not read the package lists: apt-get update gave no answer within ${fetch_timeout}s (TCPHS_FETCH_TIMEOUT)"
        return 1
    elif [ "$status" != 0 ] || grep -q '^\(E\|Err\|W: Failed\)' "$a/update.log"; then
        log "could not read the package lists (mirror unreachable or no network):"
        grep -E '^(E|Err|W)' "$a/update.log" | head -n 8 >&2
        return 1
    fi
    touch "$a/updated"
}

debian_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

need_debian() {  # need_debian NAME "SUITES" ["SECURITY SUITES"]
    if [ -z "$debian_mirror" ]; then
        log "no Debian mirror in /etc/apt/sources.list{,.d}: set TCPHS_DEBIAN_MIRROR to a Debian archive URL"
        return 1
    fi
    [ -f "$debian_keyring" ] || { log "$debian_keyring is missing (apt-get install debian-archive-keyring)"; return 1; }
    local sec=()
    if [ -n "${3:-}" ]; then
        sec=("${debian_security:-${debian_mirror%/debian}/debian-security}" "$3" main)
    fi
    mkapt "$1" "$debian_keyring" "$debian_mirror" "$2" main "${sec[@]}"
}

ubuntu_keyring() {  # prints the path of Ubuntu's archive keyring, fetching Debian's ubuntu-keyring package if needed
    local k=/usr/share/keyrings/ubuntu-archive-keyring.gpg
    if [ -f "$k" ]; then echo "$k"; return 0; fi
    k=$cache/keyring/usr/share/keyrings/ubuntu-archive-keyring.gpg
    if [ ! -f "$k" ]; then
        need_debian debian-4.4 "trixie trixie-updates" trixie-security || return 1
        mkdir -p "$cache/keyring/dl"
        (cd "$cache/keyring/dl" && timeout "$fetch_timeout" apt-get "${aptopts[@]}" download ubuntu-keyring >/dev/null 2>&1) || {
            log "could not download Debian's ubuntu-keyring package"; return 1; }
        dpkg-deb -x "$(ls "$cache"/keyring/dl/ubuntu-keyring_*.deb | head -n 1)" "$cache/keyring" || return 1
    fi
    echo "$k"
}

need_release_apt() {  # sets aptopts for the archive that carries release $1
    case $1 in
        4.0) need_debian debian-4.0 "bookworm bookworm-updates" bookworm-security ;;
        4.2) local k
             k=$(ubuntu_keyring) || return 1
             mkapt ubuntu-4.2 "$k" "$ubuntu_mirror" "noble noble-updates noble-security" "main universe" ;;
        4.4) need_debian debian-4.4 "trixie trixie-updates" trixie-security ;;
        4.6) need_debian debian-4.6 "forky sid" ;;
    esac
}

# ---- fetch: download and unpack the packages of one release -----------------------
# fetch VERSION: fills $cache/prefix/VERSION; prints the package version.
fetch() {
    local rel=$1 prefix=$cache/prefix/$1 dl=$cache/dl/$1 stamp=$cache/prefix/$1/.tcphs-fetched
    if [ -f "$stamp" ] && [ "$refresh" = 0 ]; then cat "$stamp"; return 0; fi
    need_release_apt "$rel" || return 3     # 3: the archive could not be read
    local best="" v
    for v in $(apt-cache "${aptopts[@]}" madison libwireshark-dev | awk -F'|' '{gsub(/ /, "", $2); print $2}' | sort -u); do
        case $v in "$rel".*) ;; *) continue ;; esac
        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
    done
    if [ -z "$best" ]; then
        log "no libwireshark-dev $rel.x in those suites (versions there: $(apt-cache "${aptopts[@]}" madison libwireshark-dev | awk -F'|' '{printf "%s", $2}'))"
        return 1
    fi
    # The development packages and the libraries they pin (= $best).
    local pkgs=(libwireshark-dev libwsutil-dev libwiretap-dev wireshark-dev) libs
    libs=$(apt-cache "${aptopts[@]}" show "libwireshark-dev=$best" "libwsutil-dev=$best" "libwiretap-dev=$best" 2>/dev/null |
           sed -n 's/^Depends: //p' | tr ',' '\n' | sed -n 's/^ *\(lib\(wireshark\|wsutil\|wiretap\)[0-9][a-z0-9]*\) *(= .*/\1/p' | sort -u)
    if [ -z "$libs" ]; then log "cannot find the library packages libwireshark-dev $best depends on"; return 1; fi
    log "Wireshark $rel: downloading ${pkgs[*]} $(echo $libs) ($best)"
    rm -rf "$dl" "$prefix"
    mkdir -p "$dl" "$prefix"
    local want=()
    for p in "${pkgs[@]}" $libs; do want+=("$p=$best"); done
    if ! (cd "$dl" && timeout "$fetch_timeout" apt-get "${aptopts[@]}" download "${want[@]}") > "$dl/download.log" 2>&1; then
        log "download failed (see $dl/download.log):"
        grep -E '^(E|Err|W)' "$dl/download.log" | head -n 8 >&2
        return 1
    fi
    local deb
    for deb in "$dl"/*.deb; do
        dpkg-deb -x "$deb" "$prefix" || { log "cannot unpack $deb"; return 1; }
    done
    echo "$best" > "$stamp"
    echo "$best"
}

# ---- run: the tshark of a release, with the plugin -------------------------------------
# fetch_runtime VERSION PACKAGE_VERSION: the distribution's tshark and its whole
# dependency closure, unpacked in $cache/runtime/VERSION/root.
suite_of() { case $1 in 4.0) echo bookworm ;; 4.2) echo noble ;; 4.4) echo trixie ;; 4.6) echo forky ;; esac; }

fetch_runtime() {
    local rel=$1 best=$2 rt=$cache/runtime/$1
    if [ -f "$rt/.tcphs-fetched" ] && [ "$(cat "$rt/.tcphs-fetched")" = "$best" ] && [ "$refresh" = 0 ]; then return 0; fi
    need_release_apt "$rel" || return 1
    local libs p want=()
    libs=$(ls "$cache/dl/$rel" | sed -n 's/^\(lib\(wireshark\|wsutil\|wiretap\)[0-9][a-z0-9]*\)_.*/\1/p' | sort -u)
    for p in tshark wireshark-common $libs; do want+=("$p=$best"); done
    want+=("libwireshark-data=${best%+b*}")
    rm -rf "$rt"
    mkdir -p "$rt/debs/partial" "$rt/root"
    log "Wireshark $rel: downloading the tshark $best runtime (tshark and its dependencies)"
    if ! timeout "$fetch_timeout" apt-get "${aptopts[@]}" -o "Dir::Cache::archives=$rt/debs" \
            -o APT::Install-Recommends=false -t "$(suite_of "$rel")" install --download-only -y "${want[@]}" \
            > "$rt/download.log" 2>&1; then
        log "could not download the tshark runtime (see $rt/download.log):"
        grep -E '^(E|Err|W)' "$rt/download.log" | head -n 8 >&2
        return 1
    fi
    local deb
    for deb in "$rt"/debs/*.deb; do dpkg-deb -x "$deb" "$rt/root" || return 1; done
    echo "$best" > "$rt/.tcphs-fetched"
}

# run_check VERSION BUILD_DIR [PACKAGE_VERSION]: the plugin loads in that
# release's tshark and gives the expected fields; prints a one-line verdict.
run_check() {
    local rel=$1 bdir=$2 best=${3:-} so=$2/plugins/$1/epan/tcphs.so cmd=()
    local home
    home=$(mktemp -d "${TMPDIR:-/tmp}/tcphs-run-home.XXXXXX")
    if [ -z "$best" ]; then
        cmd=("$root/tools/tshark-with-tcphs" --build "$bdir" --)
    else
        fetch_runtime "$rel" "$best" || { rm -rf "$home"; echo "FAIL: no tshark $rel runtime"; return 1; }
        local r=$cache/runtime/$rel/root ldso libdir
        ldso=$(ls "$r"/usr/lib/*/ld-linux*.so.* "$r"/lib64/ld-linux*.so.* 2>/dev/null | head -n 1)
        libdir=$(dirname "$(ls "$r"/usr/lib/*/libwireshark.so.* | head -n 1)")
        # Run through its own loader, tshark takes the folder of the loader for
        # its own: the global plugin folder is then <libdir>/plugins/<version>.
        mkdir -p "$libdir/plugins/$rel/epan"
        cp "$so" "$libdir/plugins/$rel/epan/tcphs.so"
        chmod -R a+rX "$cache/runtime/$rel"
        cmd=(env -u WIRESHARK_PLUGIN_DIR -u WIRESHARK_CONFIG_DIR "HOME=$home" "$ldso" --library-path "$libdir" "$r/usr/bin/tshark")
    fi
    local verdict
    verdict=$(python3 - "$root" "$rel" "${cmd[@]}" <<'PY'
import json, os, subprocess, sys
root, rel, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
plugins = subprocess.run(cmd + ["-G", "plugins"], capture_output=True, text=True, errors="replace", timeout=600)
if "tcphs.so" not in plugins.stdout:
    print("FAIL: tshark does not list tcphs.so: %s" % plugins.stderr.strip()[:300]); sys.exit(1)
sys.path.insert(0, os.path.join(root, "tests", "integration"))
import harness
# Where Wireshark itself answers differently from 4.0, whose answers the
# expected files hold: the case is left out of that release's check.
RELEASE_DIFFERENCES = {
    "client-close.checksum": ("4.0",
        "from 4.2 on Wireshark calls loopback's partial (offloaded) checksums good, 4.0 calls them bad"),
}
cases = [c.name for c in harness.read_testlist()]
left_out = [name for name, (only, _) in RELEASE_DIFFERENCES.items() if name in cases and rel != only]
checked = [name for name in cases if name not in left_out]
env = dict(os.environ, TCPHS_TSHARK=json.dumps(cmd))
proc = subprocess.run([sys.executable, os.path.join(root, "tests", "integration", "capture_tests.py"),
                       "--two-pass-only", "--only", *checked], env=env, capture_output=True, text=True,
                      errors="replace", timeout=3600)
bad = [line.split()[0] for line in proc.stdout.splitlines() if "FAILED" in line]
note = "; left out: %s (%s)" % (", ".join(left_out), "; ".join(RELEASE_DIFFERENCES[n][1] for n in left_out)) \
    if left_out else ""
if proc.returncode != 0:
    print("FAIL: loads, but %d/%d cases differ from tests/expected: %s%s" %
          (len(bad), len(checked), " ".join(bad) or proc.stderr.strip()[-300:], note)); sys.exit(1)
print("loads, %d/%d cases as expected (two-pass tshark)%s" % (len(checked), len(checked), note))
PY
)
    local status=$?
    rm -rf "$home"
    echo "$verdict"
    return $status
}

# ---- build one release ------------------------------------------------------------------
results=()
failed=0

build() {
    local rel=$1 bdir=$cache/build-$1 logf=$cache/logs/$1.log prefix="" wsver
    mkdir -p "$cache/logs"
    : > "$logf"
    local host
    host=$(pkg-config --modversion wireshark 2>/dev/null || true)
    if [[ "$host" == "$rel".* ]]; then
        wsver="$host (system)"
    else
        local status
        wsver=$(fetch "$rel" 2> >(tee -a "$logf" >&2))
        status=$?
        if [ "$status" != 0 ]; then
            if [ "$rel" = 4.2 ] && [ "$status" = 3 ]; then
                results+=("$rel|-|SKIP|-|archive unreachable (4.2 is best effort): see $logf")
            else
                results+=("$rel|-|FAIL|-|fetch failed: see $logf")
                failed=1
            fi
            return
        fi
        prefix=$cache/prefix/$rel
    fi
    log "Wireshark $rel ($wsver): building in $bdir"
    local cfg=(-S "$root" -B "$bdir" -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DTCPHS_WIRESHARK_PREFIX=$prefix")
    if ! { cmake "${cfg[@]}" && cmake --build "$bdir" --target tcphs -j "$jobs"; } >> "$logf" 2>&1; then
        grep -E 'error|Error|undefined reference' "$logf" | head -n 20 >&2
        results+=("$rel|$wsver|FAIL|-|build failed: see $logf")
        failed=1
        return
    fi
    local so=$bdir/plugins/$rel/epan/tcphs.so
    if [ ! -f "$so" ]; then
        results+=("$rel|$wsver|FAIL|-|no plugins/$rel/epan/tcphs.so (headers of another release?): see $logf")
        failed=1
        return
    fi
    local needed exports
    needed=$(objdump -p "$so" | awk '$1 == "NEEDED" && $2 ~ /^libwireshark/ {print $2}')
    exports=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -c '^plugin_\(version\|want_major\|want_minor\|register\)$')
    if [ "$exports" != 4 ]; then
        results+=("$rel|$wsver|FAIL|$(stat -c %s "$so")|plugin_* symbols not exported")
        failed=1
        return
    fi
    local note="$needed"
    if [ "$make_deb" = 1 ]; then
        if (cd "$bdir" && cpack -G DEB) >> "$logf" 2>&1; then
            note="$note, $(ls "$bdir"/tcphs_*.deb | xargs -n1 basename | tail -n 1)"
        else
            note="$note, cpack failed"
            failed=1
        fi
    fi
    local res=OK
    if [ "$run_checks" = 1 ]; then
        local verdict
        if [ -n "$prefix" ]; then
            verdict=$(run_check "$rel" "$bdir" "$(cat "$cache/prefix/$rel/.tcphs-fetched")" 2> >(tee -a "$logf" >&2))
        else
            verdict=$(run_check "$rel" "$bdir" 2> >(tee -a "$logf" >&2))
        fi
        if [ $? != 0 ]; then res=FAIL; failed=1; fi
        note="$note; run: $verdict"
    fi
    results+=("$rel|$wsver|$res|$(stat -c %s "$so")|$note")
}

for rel in "${versions[@]}"; do
    build "$rel"
done

echo
printf '%-8s %-24s %-6s %-10s %s\n' version wireshark result tcphs.so "links against / notes"
for row in "${results[@]}"; do
    IFS='|' read -r rel wsver res size note <<< "$row"
    printf '%-8s %-24s %-6s %-10s %s\n' "$rel" "$wsver" "$res" "$size" "$note"
done
if [ "$failed" = 0 ]; then
    echo "build-all-versions: all requested releases built (SKIP: unavailable, not failed)"
else
    echo "build-all-versions: FAILED" >&2
fi
exit "$failed"
