#!/bin/sh
# `make run`: the Daemon, a zero-hop Node on embedded defaults and the setup page, in the foreground; Ctrl-C stops
# them all. Any MASQ_* variable set by the caller wins over these defaults.
set -eu
cd "$(dirname "$0")/.."
export MASQ_NEIGHBORHOOD_MODE="${MASQ_NEIGHBORHOOD_MODE:-zero-hop}"
export MASQ_DATA_DIRECTORY="${MASQ_DATA_DIRECTORY:-$PWD/.masq-data}"
ui_port="${MASQ_UI_PORT:-5333}"
page_port="${MASQ_SETUP_PAGE_PORT:-5390}"
state="${MASQ_STATE_DIRECTORY:-$PWD/.masq-state}"
# These two are this script's, not parameters: the Daemon would warn about them.
unset MASQ_SETUP_PAGE_PORT MASQ_STATE_DIRECTORY

bin/masq-node --initialization --ui-port "$ui_port" --state-directory "$state/daemon" &
daemon=$!
page=
# Ctrl-C reaches every process by itself (same process group); just wait for them. Whatever status they stop
# with, a stop asked for is a clean exit.
stop() {
  [ -z "$page" ] || kill -TERM "$page" 2>/dev/null || :
  kill -TERM $daemon 2>/dev/null || :
  [ -z "$page" ] || wait "$page" || :
  wait $daemon || :
}
trap 'stop; exit 0' INT TERM

tries=0
until bin/masq --ui-port "$ui_port" setup >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ $tries -ge 40 ] || ! kill -0 $daemon 2>/dev/null; then
    echo "The Daemon did not come up on port $ui_port (is another one running? see the message above)." >&2
    stop
    exit 1
  fi
  sleep 0.25
done
if ! started=$(bin/masq --ui-port "$ui_port" start 2>&1); then
  case $started in
    # The Daemon keeps its setup and starts the Node by itself when it was running as the Daemon last stopped
    # (the previous make run's Ctrl-C): then the Node is already running, which is fine.
    *"already running"*) started="The Daemon restarted the Node with its kept setup." ;;
    *) echo "$started" >&2; stop; exit 1 ;;
  esac
fi
echo "$started"
MASQ_UI_PORT=$ui_port bin/masq-setup --port "$page_port" --ui-port "$ui_port" &
page=$!
# The tips come once the page answers (it prints its own address when it listens).
tries=0
until node -e 'require("net").connect(Number(process.argv[1]), "127.0.0.1").on("connect", () => process.exit(0)).on("error", () => process.exit(1))' "$page_port"; do
  tries=$((tries + 1))
  if [ $tries -ge 40 ] || ! kill -0 "$page" 2>/dev/null; then
    echo "The setup page did not come up on port $page_port (see the message above; MASQ_SETUP_PAGE_PORT chooses another)." >&2
    stop
    exit 1
  fi
  sleep 0.25
done
code=$(bin/masq --ui-port "$ui_port" setup-code 2>/dev/null | sed -n 's/.*\([A-Z0-9]\{4\}-[A-Z0-9]\{4\}\).*/\1/p' | head -n 1)
cat <<TIPS

Use it:  curl -x http://127.0.0.1:${MASQ_PROXY_PORT:-5380} http://<a server>/
         curl --socks5-hostname 127.0.0.1:${MASQ_PROXY_PORT:-5380} https://<a server>/
Set up:  open the setup page at http://127.0.0.1:$page_port/${code:+ and give the setup code $code}
Manage:  bin/masq --ui-port $ui_port          (interactive; try: help, configuration, shutdown)
Stop:    Ctrl-C
TIPS
wait $daemon
