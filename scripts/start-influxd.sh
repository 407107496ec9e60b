#!/bin/sh
# Start a private InfluxDB 1.x for development, tests and benchmarks: loopback only, its own config and
# data folder, never the system service. Runs in the foreground (exec), so stopping this process stops it.
# test/helpers/influxd.ts (tests and `npm run bench`) starts influxd through this script: its config lives here only.
#   scripts/start-influxd.sh [HTTP_PORT] [DIR]     (defaults: 18086, a new temp folder)
set -eu
PORT="${1:-18086}"
DIR="${2:-$(mktemp -d "${TMPDIR:-/tmp}/outpost-influxd-XXXXXX")}"
RPC_PORT="${RPC_PORT:-$((PORT + 2))}"
INFLUXD="${INFLUXD_BIN:-$(command -v influxd || echo /usr/bin/influxd)}"
mkdir -p "$DIR"
cat > "$DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:${RPC_PORT}"
[meta]
  dir = "${DIR}/meta"
[data]
  dir = "${DIR}/data"
  wal-dir = "${DIR}/wal"
  query-log-enabled = false
[coordinator]
[retention]
  enabled = false
[shard-precreation]
  enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${PORT}"
  auth-enabled = false
  log-enabled = false
[logging]
  level = "warn"
[continuous_queries]
  enabled = false
CONF
echo "influxd: http://127.0.0.1:${PORT} data ${DIR}" >&2
exec "$INFLUXD" -config "$DIR/influxdb.conf"
