#!/usr/bin/env bash
# Runs a command (the test suite) where an OS keychain answers, so the real-keychain tests can run on a
# headless machine: when no Secret Service owns its name on the D-Bus session bus, and dbus-run-session
# and gnome-keyring-daemon are installed, the command runs on a throwaway session bus with a throwaway,
# unlocked keyring (in a temp dir, removed afterwards). Otherwise the command runs as it is.
#   bash scripts/with-keyring.sh vitest run [args…]
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 <command> [args…]" >&2; exit 2; }

# Inside the throwaway session: start the keyring, then hand over to the command.
if [ -n "${SWITCHYARD_KEYRING_DIR:-}" ] && [ -z "${SWITCHYARD_KEYRING_READY:-}" ]; then
  dir="$SWITCHYARD_KEYRING_DIR"
  mkdir -p "$dir/data" "$dir/runtime" && chmod 700 "$dir/runtime"
  # The keyring's files and control socket go to the temp dir; only the daemon sees these variables, so
  # the command keeps the user's own XDG dirs. The password unlocks (and creates) its login keyring.
  if printf %s "switchyard-throwaway-$$" |
    XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/runtime" \
      gnome-keyring-daemon --unlock --components=secrets >/dev/null; then
    export SWITCHYARD_KEYRING="throwaway gnome-keyring"
    echo "with-keyring: running on a throwaway D-Bus session with an unlocked throwaway gnome-keyring" >&2
  else
    echo "with-keyring: gnome-keyring-daemon did not start; running without a keychain" >&2
  fi
  export SWITCHYARD_KEYRING_READY=1
  exec "$@"
fi

has_secret_service() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-send >/dev/null 2>&1 &&
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

if [ -z "${SWITCHYARD_KEYRING_DIR:-}" ] && [ "$(uname -s)" = Linux ] && ! has_secret_service &&
  command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-keyring.XXXXXX") || exit 1
  trap 'rm -rf "$dir"' EXIT
  SWITCHYARD_KEYRING_DIR="$dir" dbus-run-session -- bash "$0" "$@"
  exit $?
fi

exec "$@"
