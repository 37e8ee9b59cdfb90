# shellcheck shell=bash
# lib.sh: shared by run.sh and profile.sh (source it).

# stage_plugins_without_tcphs BUILD DEST: make DEST a Wireshark plugin folder
# like the one tools/tshark-with-tcphs stages (links to the system's
# plugins, in DEST/<major.minor>/{epan,wiretap,codecs}) but without
# tcphs.so, for the "without the plugin" side of a comparison.
stage_plugins_without_tcphs() {
    local build=$1 dest=$2 plugin release system_dir entry name so
    plugin=$(ls "$build"/plugins/*/epan/tcphs.so | head -n 1)
    release=$(basename "$(dirname "$(dirname "$plugin")")")
    system_dir=$(pkg-config --variable=plugindir wireshark 2>/dev/null || true)
    if [ -z "$system_dir" ] || [ ! -d "$system_dir" ]; then
        system_dir=$(ls -d /usr/lib/*/wireshark/plugins/"$release" 2>/dev/null | head -n 1 || true)
    fi
    mkdir -p "$dest/$release/epan"
    [ -n "$system_dir" ] || return 0
    for entry in "$system_dir"/*; do
        name=$(basename "$entry")
        if [ "$name" = epan ]; then
            for so in "$entry"/*.so; do
                if [ -e "$so" ] && [ "$(basename "$so")" != tcphs.so ]; then
                    ln -s "$so" "$dest/$release/epan/"
                fi
            done
        else
            ln -s "$entry" "$dest/$release/$name"
        fi
    done
}
