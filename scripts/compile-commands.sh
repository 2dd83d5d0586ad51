#!/usr/bin/env bash
# Write compile_commands.json for editors (clangd) from the .cmd files of the
# last module build. Uses the kernel's own gen_compile_commands.py, taken from
# Debian's linux-source tarball when the build tree does not ship it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${KDIR:-$("$top/scripts/kdir.sh")}
cache=${WDFIO_CACHE:-$HOME/.cache/wdfio}
gen=$kdir/scripts/clang-tools/gen_compile_commands.py
if [ ! -f "$gen" ]; then
	gen=$(ls "$cache"/linux-source-*/scripts/clang-tools/gen_compile_commands.py 2>/dev/null | head -n 1 || true)
fi
if [ -z "$gen" ] || [ ! -f "$gen" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -n 1 || true)
	[ -n "$tarball" ] || { echo "no gen_compile_commands.py and no linux-source tarball" >&2; exit 1; }
	name=$(basename "$tarball" .tar.xz)
	mkdir -p "$cache/tools"
	tar -xJf "$tarball" -C "$cache/tools" "$name/scripts/clang-tools/gen_compile_commands.py"
	gen=$cache/tools/$name/scripts/clang-tools/gen_compile_commands.py
fi
python3 "$gen" -d "$top" -o "$top/compile_commands.json"
echo "==> compile_commands.json: $(grep -c '"file"' "$top/compile_commands.json") entries"
