#!/bin/sh
# `make run`: the Daemon and a zero-hop Node on embedded defaults, in the foreground; Ctrl-C stops both.
# Any MASQ_* variable set by the caller wins over these defaults.
set -eu
cd "$(dirname "$0")/.."
export MASQ_NEIGHBORHOOD_MODE="${MASQ_NEIGHBORHOOD_MODE:-zero-hop}"
export MASQ_DATA_DIRECTORY="${MASQ_DATA_DIRECTORY:-$PWD/.masq-data}"
ui_port="${MASQ_UI_PORT:-5333}"

bin/masq-node --initialization --ui-port "$ui_port" &
daemon=$!
# Ctrl-C reaches the Daemon and the Node by themselves (same process group); just wait for them. Whatever status
# the Daemon stops with, a stop asked for is a clean exit.
trap 'wait $daemon || :; exit 0' INT
trap 'kill -TERM $daemon 2>/dev/null || :; wait $daemon || :; exit 0' TERM

tries=0
until bin/masq --ui-port "$ui_port" setup >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ $tries -ge 40 ] || ! kill -0 $daemon 2>/dev/null; then
    echo "The Daemon did not come up on port $ui_port (is another one running? see the message above)." >&2
    kill -TERM $daemon 2>/dev/null || :
    exit 1
  fi
  sleep 0.25
done
# The Daemon keeps its setup and starts the Node by itself when it was running as the Daemon last stopped (the
# previous make run's Ctrl-C): then the Node is already running, which is fine.
if started=$(bin/masq --ui-port "$ui_port" start 2>&1); then
  printf '%s\n' "$started"
else
  case $started in
    *'already running'*) ;;
    *)
      printf '%s\n' "$started" >&2
      kill -TERM $daemon 2>/dev/null || :
      wait $daemon || :
      exit 1
      ;;
  esac
fi
cat <<TIPS

Use it:  curl -x http://127.0.0.1:${MASQ_PROXY_PORT:-5380} http://<a server>/
         curl --socks5-hostname 127.0.0.1:${MASQ_PROXY_PORT:-5380} https://<a server>/
Manage:  bin/masq --ui-port $ui_port          (interactive; try: help, configuration, shutdown)
Stop:    Ctrl-C
TIPS
wait $daemon
