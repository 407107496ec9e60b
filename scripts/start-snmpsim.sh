#!/usr/bin/env bash
# Serve the real-device recordings with snmpsim on loopback for tests, benchmarks and demos.
#   scripts/start-snmpsim.sh [PORT] [DATA_DIR]   (default 127.0.0.1:11161, test/fixtures/snmp/recordings)
# Communities are the recording names. SNMPv3 users (context name = recording name):
#   outpost-sha-aes  SHA / AES-128        outpost-sha256-aes256  SHA-256 / AES-256 (Blumenthal)
#   outpost-md5-des  MD5 / DES            outpost-auth-only      SHA-512, no privacy
# Logging is off (it costs the simulator CPU on every request); SNMPSIM_LOG=file:PATH turns it on.
# Idempotent: a simulator already answering on the port is left alone. Prints the PID file path.
set -euo pipefail
PORT="${1:-11161}"
DATA="${2:-$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/snmp/recordings}"
RUN="${SNMPSIM_RUN_DIR:-/tmp/outpost-snmpsim-$PORT}"
mkdir -p "$RUN/cache" "$RUN/data"
chmod 777 "$RUN" "$RUN/cache"
# snmpsim drops to `nobody`, which must be able to read the recordings: serve a private, readable copy.
cp -f "$DATA"/*.snmprec "$RUN/data/"
chmod -R a+rX "$RUN/data"
# Readiness is "a served recording answers": the first recording's name is a community that must work.
PROBE=$(basename "$(ls "$RUN/data"/*.snmprec | head -1)" .snmprec)
if snmpget -v2c -c "$PROBE" -t 1 -r 0 "127.0.0.1:$PORT" 1.3.6.1.2.1.1.2.0 >/dev/null 2>&1; then
  echo "snmpsim already answering on 127.0.0.1:$PORT"; exit 0
fi
USER_ARGS=()
if [ "$(id -u)" = 0 ]; then USER_ARGS=(--process-user=nobody --process-group=nogroup); fi
snmpsimd --data-dir="$RUN/data" --cache-dir="$RUN/cache" \
  --variation-modules-dir=/usr/share/snmpsim/variation \
  --agent-udpv4-endpoint="127.0.0.1:$PORT" "${USER_ARGS[@]}" \
  --v3-user=outpost-sha-aes --v3-auth-key=outpost-auth-key --v3-auth-proto=SHA --v3-priv-key=outpost-priv-key --v3-priv-proto=AES \
  --v3-user=outpost-sha256-aes256 --v3-auth-key=outpost-auth-key --v3-auth-proto=SHA256 --v3-priv-key=outpost-priv-key --v3-priv-proto=AES256BLMT \
  --v3-user=outpost-md5-des --v3-auth-key=outpost-auth-key --v3-auth-proto=MD5 --v3-priv-key=outpost-priv-key --v3-priv-proto=DES \
  --v3-user=outpost-auth-only --v3-auth-key=outpost-auth-key --v3-auth-proto=SHA512 \
  --logging-method="${SNMPSIM_LOG:-null}" --pid-file="$RUN/snmpsim.pid" >/dev/null 2>&1 &
for i in $(seq 1 120); do
  if snmpget -v2c -c "$PROBE" -t 1 -r 0 "127.0.0.1:$PORT" 1.3.6.1.2.1.1.2.0 >/dev/null 2>&1; then
    echo "snmpsim ready on 127.0.0.1:$PORT ($RUN)"; exit 0
  fi
  sleep 0.5
done
echo "snmpsim did not start (set SNMPSIM_LOG=file:/tmp/snmpsim.log to see why)" >&2
exit 1
