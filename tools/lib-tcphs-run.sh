# shellcheck shell=bash disable=SC2034  # TCPHS_* are read by the scripts that source this file
# lib-tcphs-run.sh: the staging that tools/tshark-with-tcphs,
# tools/wireshark-with-tcphs and docs/make-screenshots.sh share (sourced by
# bash, not run).  Wireshark loads plugins from
# $WIRESHARK_PLUGIN_DIR/<major.minor>/epan, and that folder replaces the
# system one: a private folder is staged with tcphs.so and links to the
# system's own plugins.  A private HOME holds the lab profile
# docs/profile-tcphs as the profile "tcphs", and the user's own profiles.
# As root, Wireshark ignores WIRESHARK_PLUGIN_DIR (and the personal folder):
# the program then runs as the unprivileged user nobody (uid 65534), with
# readable copies of the captures it is given.
#
# The staging folder is named ws-plugins.XXXXXX (under $TMPDIR or /tmp) and
# nothing in it but tcphs.so has "tcphs" in its path, so that
# `tshark -G plugins | grep tcphs` finds tcphs's line alone.

TCPHS_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TCPHS_TOP=$(cd "$TCPHS_TOOLS/.." && pwd)
TCPHS_PROFILE_SRC="$TCPHS_TOP/docs/profile-tcphs"
TCPHS_NOBODY=65534

# tcphs_as_root: true when the program must run as nobody.
tcphs_as_root() { [ "$(id -u)" = 0 ]; }

# tcphs_find_plugin BUILD: set TCPHS_PLUGIN (BUILD's tcphs.so), TCPHS_RELEASE
# (e.g. 4.0) and TCPHS_SYSTEM_PLUGINS (the system's plugin folder of that
# release, or empty); on failure print why (prefixed with $TCPHS_ME) and
# return 2.
tcphs_find_plugin() {
    local build=$1
    TCPHS_PLUGIN=$(ls "$build"/plugins/*/epan/tcphs.so 2>/dev/null | head -n 1 || true)
    if [ -z "$TCPHS_PLUGIN" ]; then
        echo "${TCPHS_ME:-tcphs}: no tcphs.so under $build/plugins (build it first: cmake --build $build)" >&2
        return 2
    fi
    TCPHS_RELEASE=$(basename "$(dirname "$(dirname "$TCPHS_PLUGIN")")")
    TCPHS_SYSTEM_PLUGINS=$(pkg-config --variable=plugindir wireshark 2>/dev/null || true)
    if [ -z "$TCPHS_SYSTEM_PLUGINS" ] || [ ! -d "$TCPHS_SYSTEM_PLUGINS" ]; then
        TCPHS_SYSTEM_PLUGINS=$(ls -d /usr/lib/*/wireshark/plugins/"$TCPHS_RELEASE" 2>/dev/null | head -n 1 || true)
    fi
}

# tcphs_new_stage: create the staging folder, TCPHS_STAGE (removed by
# tcphs_cleanup_stage).
tcphs_new_stage() {
    TCPHS_STAGE=$(mktemp -d "${TMPDIR:-/tmp}/ws-plugins.XXXXXX")
}

tcphs_cleanup_stage() {
    [ -n "${TCPHS_STAGE:-}" ] && rm -rf "$TCPHS_STAGE"
    return 0
}

# tcphs_stage_plugins DIR [SO...]: DIR/<release>/epan with copies of the SO
# files (none: a folder without tcphs) and links to every other system
# plugin; DIR is what WIRESHARK_PLUGIN_DIR names.
tcphs_stage_plugins() {
    local dir=$1 entry name so
    shift
    mkdir -p "$dir/$TCPHS_RELEASE/epan"
    for so in "$@"; do
        cp "$so" "$dir/$TCPHS_RELEASE/epan/"
    done
    [ -n "$TCPHS_SYSTEM_PLUGINS" ] || return 0
    for entry in "$TCPHS_SYSTEM_PLUGINS"/*; do
        name=$(basename "$entry")
        if [ "$name" = epan ]; then
            for so in "$entry"/*.so; do
                [ -e "$so" ] && [ "$(basename "$so")" != tcphs.so ] && ln -s "$so" "$dir/$TCPHS_RELEASE/epan/"
            done
        else
            ln -s "$entry" "$dir/$TCPHS_RELEASE/$name"
        fi
    done
    return 0
}

# tcphs_user_profiles: the folder of the calling user's own Wireshark
# profiles (printed; nothing when there is none).
tcphs_user_profiles() {
    local dir
    for dir in "$HOME/.config/wireshark/profiles" "$HOME/.wireshark/profiles"; do
        if [ -d "$dir" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
}

# tcphs_stage_home HOME: a private HOME whose Wireshark configuration holds
# the lab profile (a copy of docs/profile-tcphs as the profile "tcphs") and
# the user's own profiles: linked, so that changes made to them are kept;
# as root copied (nobody cannot read root's home; changes are lost).  The
# user's own "tcphs" profile, if any, is shadowed by the checkout's.  The
# default profile stays Wireshark's defaults, so that runs without -C are
# reproducible.  As root, the HOME belongs to nobody.
tcphs_stage_home() {
    local home=$1 profiles mine entry name
    profiles="$home/.config/wireshark/profiles"
    mkdir -p "$profiles" "$home/run"
    # (A copy of tools/ alone, as tests make, has no profile to stage.)
    if [ -d "$TCPHS_PROFILE_SRC" ]; then
        mkdir -p "$profiles/tcphs"
        cp "$TCPHS_PROFILE_SRC"/* "$profiles/tcphs/"
    fi
    mine=$(tcphs_user_profiles)
    if [ -n "$mine" ]; then
        for entry in "$mine"/*; do
            [ -d "$entry" ] || continue
            name=$(basename "$entry")
            [ "$name" = tcphs ] && continue
            if tcphs_as_root; then
                cp -r "$entry" "$profiles/$name"
            else
                ln -s "$entry" "$profiles/$name"
            fi
        done
    fi
    chmod 700 "$home/run"    # XDG_RUNTIME_DIR: Qt wants it private
    if tcphs_as_root; then
        chmod -R a+rX "$home"
        chmod 700 "$home/run"
        chown -R "$TCPHS_NOBODY:$TCPHS_NOBODY" "$home"
    fi
}

# tcphs_copy_inputs FILES-DIR ARRAY-NAME: as root, replace the capture that
# follows each -r in the array by a copy readable by nobody, under
# FILES-DIR/<index>/ with its own base name, and remember both names for
# tcphs_map_stderr.
TCPHS_MAP_FROM=()
TCPHS_MAP_TO=()
tcphs_copy_inputs() {
    local files=$1 i src copy
    local -n _args=$2
    for i in "${!_args[@]}"; do
        if [ "${_args[$i]}" = -r ] && [ $((i + 1)) -lt ${#_args[@]} ] && [ -f "${_args[$((i + 1))]}" ]; then
            src=${_args[$((i + 1))]}
            copy="$files/$((i + 1))/$(basename "$src")"
            mkdir -p "$(dirname "$copy")"
            cp "$src" "$copy"
            chmod -R a+rX "$files"
            _args[$((i + 1))]=$copy
            TCPHS_MAP_FROM+=("$copy")
            TCPHS_MAP_TO+=("$src")
        fi
    done
}

# tcphs_sed_script: a sed script that writes each copy's path back as the
# user's own (messages like `The file "..." appears to have been cut short`).
tcphs_sed_script() {
    local i from to
    for i in "${!TCPHS_MAP_FROM[@]}"; do
        from=$(printf '%s' "${TCPHS_MAP_FROM[$i]}" | sed 's/[][\\.*^$/]/\\&/g')
        to=$(printf '%s' "${TCPHS_MAP_TO[$i]}" | sed 's/[\\&/]/\\&/g')
        printf 's/%s/%s/g\n' "$from" "$to"
    done
}

# tcphs_run ENV-ASSIGNMENT... -- PROGRAM ARGS...: run PROGRAM with the
# assignments (as nobody when root), its standard output untouched, its
# standard error through tcphs_sed_script when copies were made; sets
# TCPHS_STATUS to the program's exit status.
tcphs_run() {
    local envs=() script
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    local cmd=(env "${envs[@]}" "$@")
    if tcphs_as_root; then
        cmd=(setpriv --reuid="$TCPHS_NOBODY" --regid="$TCPHS_NOBODY" --clear-groups "${cmd[@]}")
    fi
    script=$(tcphs_sed_script)
    set +e
    if [ -z "$script" ]; then
        "${cmd[@]}"
        TCPHS_STATUS=$?
    else
        # stdout goes straight to fd 3 (the caller's stdout); stderr alone
        # goes through sed, line by line.
        { "${cmd[@]}" 2>&1 1>&3 3>&- | sed -u -e "$script" >&2; TCPHS_STATUS=${PIPESTATUS[0]}; } 3>&1
    fi
    set -e
}
