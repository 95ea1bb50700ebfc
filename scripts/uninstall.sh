#!/usr/bin/env bash
# Removes what ./scripts/install.sh PREFIX installed, exactly: the files and links listed in
# PREFIX/share/cibatch/install-manifest.txt, then the directories install.sh created, if they are empty.
#
#   ./scripts/uninstall.sh [PREFIX]    # default /usr/local; DESTDIR is honoured like install.sh's
set -euo pipefail
prefix=${1:-/usr/local}
case $prefix in /*) ;; *) prefix=$PWD/$prefix ;; esac
root=${DESTDIR:-}$prefix
manifest=$root/share/cibatch/install-manifest.txt
if [ ! -f "$manifest" ]; then
  echo "no cibatch installation in $root: $manifest does not exist" >&2
  exit 1
fi
mapfile -t entries < "$manifest"
removed=0
for entry in "${entries[@]}"; do
  case $entry in
    "" | */) continue ;;
    /* | *..*) echo "refusing manifest entry '$entry': not a path inside $root" >&2; exit 1 ;;
  esac
  if [ -e "$root/$entry" ] || [ -L "$root/$entry" ]; then
    rm -f -- "$root/$entry"
    removed=$((removed + 1))
  fi
done
# Directories last, deepest first; one that is not empty holds something else and stays.
for ((i = ${#entries[@]} - 1; i >= 0; i--)); do
  entry=${entries[$i]}
  case $entry in
    */) case $entry in /* | *..*) continue ;; esac
        rmdir -- "$root/$entry" 2>/dev/null || true ;;
  esac
done
echo "removed cibatch from $root ($removed files)"
