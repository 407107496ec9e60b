#!/bin/sh
# Push this server's SMART data to Outpost (POST /api/smart). Run from cron, hourly, as root (smartctl needs it).
# See docs/smart-push.md.
#
# Settings (environment, or the file $OUTPOST_PUSH_CONF, default /etc/default/outpost-smart-push, sourced when
# present so the token stays out of the crontab):
#   OUTPOST              the box: host[:port] (https:// is added) or a full URL (https://outpost.lan:8443)
#   OUTPOST_TOKEN        API token with role tech (outpost token create NAME --role tech)
#   OUTPOST_INSECURE=1   accept a self-signed certificate (curl -k); default: verify it
#   SMART_PUSH_HOST      the device name to report as (default: hostname -s)
#   SMART_PUSH_INTERVAL  seconds between runs, so Outpost knows when a disk is missing (default 3600)
#   SMART_PUSH_BATCH     disks per request (default 16; keeps a request well under the 2 MB limit)
#   SMARTCTL             smartctl to run (default: smartctl on PATH)
#   SMART_TIMEOUT        seconds per smartctl call (default 60: a sleeping disk behind USB can take 20 s)
#   PUSH_TIMEOUT         seconds per HTTP request (default 60)
#
# Exit status: 0 pushed, every disk read · 1 pushed, but some disk could not be read (it is reported as
# unknown) · 2 usage or settings error · 3 smartctl missing or its scan failed · 4 the push failed (the
# server's reason is printed).
set -u

CONF=${OUTPOST_PUSH_CONF:-/etc/default/outpost-smart-push}
# shellcheck disable=SC1090
[ -r "$CONF" ] && . "$CONF"

OUTPOST=${OUTPOST:-}
OUTPOST_TOKEN=${OUTPOST_TOKEN:-}
SMARTCTL=${SMARTCTL:-smartctl}
SMART_TIMEOUT=${SMART_TIMEOUT:-60}
PUSH_TIMEOUT=${PUSH_TIMEOUT:-60}
SMART_PUSH_INTERVAL=${SMART_PUSH_INTERVAL:-3600}
SMART_PUSH_BATCH=${SMART_PUSH_BATCH:-16}
HOST=${SMART_PUSH_HOST:-$(hostname -s 2>/dev/null || hostname)}

err() { echo "smart-push: $*" >&2; }

[ -n "$OUTPOST" ] || { err "OUTPOST is not set (the Outpost box, e.g. outpost.lan:8443)"; exit 2; }
[ -n "$OUTPOST_TOKEN" ] || { err "OUTPOST_TOKEN is not set (outpost token create NAME --role tech)"; exit 2; }
# The name goes into JSON unescaped and must be a valid device name: no spaces, slashes or quotes.
case "$HOST" in '' | *[!A-Za-z0-9._-]*) err "host name '$HOST' is not a valid device name (set SMART_PUSH_HOST)"; exit 2 ;; esac
for n in "$SMART_TIMEOUT" "$PUSH_TIMEOUT" "$SMART_PUSH_INTERVAL" "$SMART_PUSH_BATCH"; do
  case "$n" in '' | *[!0-9]*) err "timeouts, interval and batch must be whole numbers (got '$n')"; exit 2 ;; esac
done
case "$OUTPOST" in http://* | https://*) BASE=${OUTPOST%/} ;; *) BASE="https://${OUTPOST%/}" ;; esac
URL="$BASE/api/smart"

command -v "$SMARTCTL" >/dev/null 2>&1 || { err "smartctl not found ($SMARTCTL): apt-get install smartmontools (7.0+ for JSON)"; exit 3; }
command -v curl >/dev/null 2>&1 || { err "curl not found"; exit 2; }
# `timeout` (coreutils) bounds a disk that never answers; without it a hung USB bridge would hang cron.
command -v timeout >/dev/null 2>&1 || { err "timeout (coreutils) not found"; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/smart-push.XXXXXX") || { err "cannot create a temporary folder"; exit 2; }
trap 'rm -rf "$WORK"' EXIT INT TERM

# 1. The disks and the -d type each needs. smartctl's exit status here is a bitmask like any other; only
#    output that is not a device list is a failure.
timeout "$SMART_TIMEOUT" "$SMARTCTL" --scan-open -j >"$WORK/scan.json" 2>"$WORK/scan.err"
if ! grep -q '"devices"' "$WORK/scan.json"; then
  err "smartctl --scan-open -j gave no device list: $(head -c 300 "$WORK/scan.err" "$WORK/scan.json" | tr '\n' ' ')"
  exit 3
fi
# One "name<TAB>type" line per device: the JSON tokens in order, an object ends at "}". Works on pretty and
# compact output without jq (not installed on most servers).
grep -oE '"(name|type)"[[:space:]]*:[[:space:]]*"[^"]*"|\}' "$WORK/scan.json" |
  awk '/^"name"/ { sub(/^"name"[[:space:]]*:[[:space:]]*"/, ""); sub(/"$/, ""); name = $0; next }
       /^"type"/ { sub(/^"type"[[:space:]]*:[[:space:]]*"/, ""); sub(/"$/, ""); type = $0; next }
       /^\}/ { if (name != "") print name "\t" type; name = ""; type = "" }' >"$WORK/devices.tsv"

# 2. smartctl -j -x per disk, one at a time (gentle on a shared HBA). A disk that times out or prints no JSON
#    is still sent, as a smartctl-shaped document saying why: Outpost shows it unknown instead of silently
#    losing it (and later calling it missing).
unreadable=0
i=0
tab=$(printf '\t')
while IFS="$tab" read -r dev type; do
  [ -n "$dev" ] || continue
  i=$((i + 1))
  out="$WORK/disk.$i.json"
  if [ -n "$type" ]; then
    timeout "$SMART_TIMEOUT" "$SMARTCTL" -j -x -d "$type" "$dev" >"$out" 2>/dev/null
  else
    timeout "$SMART_TIMEOUT" "$SMARTCTL" -j -x "$dev" >"$out" 2>/dev/null
  fi
  rc=$?
  if [ "$rc" -eq 124 ] || ! grep -q '"smartctl"\|"device"' "$out"; then
    unreadable=$((unreadable + 1))
    if [ "$rc" -eq 124 ]; then why="smartctl timed out after ${SMART_TIMEOUT} s"; else why="smartctl printed no JSON (exit $rc)"; fi
    err "$dev: $why"
    printf '{"smartctl":{"exit_status":2,"messages":[{"string":"%s","severity":"error"}]},"device":{"name":"%s","type":"%s"}}\n' \
      "$why" "$dev" "$type" >"$out"
  fi
done <"$WORK/devices.tsv"

[ "$i" -gt 0 ] || err "smartctl found no disks; pushing an empty list so Outpost sees this host"

# 3. POST in batches. The token goes to curl on stdin (-H @-), never on its command line where ps shows it.
CURL_OPTS="--silent --show-error --connect-timeout 10 --max-time $PUSH_TIMEOUT --retry 2 --retry-delay 5"
if curl --help all 2>/dev/null | grep -q -- '--fail-with-body'; then CURL_OPTS="$CURL_OPTS --fail-with-body"; else CURL_OPTS="$CURL_OPTS --fail"; fi
[ "${OUTPOST_INSECURE:-0}" = 1 ] && CURL_OPTS="$CURL_OPTS -k"

push() { # $1 = body file
  # shellcheck disable=SC2086
  if ! printf 'Authorization: Bearer %s\n' "$OUTPOST_TOKEN" |
    curl $CURL_OPTS -H @- -H 'Content-Type: application/json' --data-binary @"$1" -o "$WORK/reply.json" "$URL"; then
    err "push to $URL failed: $(head -c 500 "$WORK/reply.json" 2>/dev/null)"
    exit 4
  fi
}

start=1
while :; do
  body="$WORK/body.json"
  printf '{"host":"%s","interval_s":%s,"disks":[' "$HOST" "$SMART_PUSH_INTERVAL" >"$body"
  n=0
  j=$start
  while [ "$j" -le "$i" ] && [ "$n" -lt "$SMART_PUSH_BATCH" ]; do
    [ "$n" -gt 0 ] && printf ',' >>"$body"
    cat "$WORK/disk.$j.json" >>"$body"
    n=$((n + 1))
    j=$((j + 1))
  done
  printf ']}\n' >>"$body"
  push "$body"
  start=$j
  [ "$start" -le "$i" ] || break
done

echo "smart-push: pushed $i disk(s) from $HOST to $BASE ($unreadable unreadable)"
[ "$unreadable" -eq 0 ] || exit 1
exit 0
