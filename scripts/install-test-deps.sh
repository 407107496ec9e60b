#!/usr/bin/env bash
# Install what the test suite needs on Debian 12 / Raspberry Pi OS (run as root or with sudo), then the npm
# dependencies. Idempotent. The services themselves (snmpsim, influxd, alertmanager) are started by the tests
# on loopback ports with their own data folders; the distribution's own service units are not used.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PKGS=(snmpsim snmp fping smartmontools influxdb prometheus-alertmanager prometheus-snmp-exporter iproute2 chromium curl openssl wrk)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian starts influxd/alertmanager on their default ports after install; the tests use their own ports
# and data, so the distribution services are stopped to keep the box quiet (ignored where there is no systemd).
for s in influxdb prometheus-alertmanager prometheus-snmp-exporter; do $SUDO systemctl stop "$s" >/dev/null 2>&1 || true; done
# Under sudo, the npm install belongs to the user who runs the tests, not to root (or `npm test` could not
# rebuild dist/ afterwards).
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
  sudo -u "$SUDO_USER" -H npm ci --no-audit --no-fund
else
  npm ci --no-audit --no-fund
fi
