#!/bin/sh
# Install Outpost on Debian / Raspberry Pi OS (arm64, armhf, amd64) as a systemd service. Run as root from a
# clone of the repository (or an unpacked release). Idempotent: a second run changes nothing.
#
#   scripts/install.sh [--no-start] [--influxdb] [--root DIR]
#   scripts/install.sh --uninstall [--purge] [--root DIR]
#
#   --no-start     install and enable nothing to run now (no systemctl start)
#   --influxdb     also install Debian's InfluxDB 1.x for a local store on this box
#   --root DIR     install into DIR instead of / (a throwaway root for CI; no apt, no user, no systemctl).
#                  --prefix DIR is the same.
#   --uninstall    remove the program and units; keeps /etc/outpost and /var/lib/outpost (the config and data)
#   --purge        with --uninstall: also delete the config, the data and the outpost user
#
# Layout: program /usr/lib/outpost (root-owned), command /usr/local/bin/outpost, config /etc/outpost (outpost,
# 0700; outpost.yaml and outpost.env 0600), data /var/lib/outpost, units in /etc/systemd/system.
set -eu

ROOT=/
START=1
UNINSTALL=0
PURGE=0
INFLUX=0
SRC=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "outpost: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root|--prefix) [ $# -ge 2 ] || die "$1 needs a directory"; ROOT=$2; shift ;;
    --root=*|--prefix=*) ROOT=${1#*=} ;;
    --no-start) START=0 ;;
    --uninstall) UNINSTALL=1 ;;
    --purge) PURGE=1 ;;
    --influxdb) INFLUX=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
[ "$PURGE" = 0 ] || [ "$UNINSTALL" = 1 ] || die "--purge only goes with --uninstall"

if [ "$ROOT" = / ]; then
  R=''
  [ "$(id -u)" = 0 ] || die "run as root (sudo $0 $*)"
  command -v systemctl >/dev/null 2>&1 || die "systemd is needed (systemctl not found)"
else
  mkdir -p "$ROOT"
  R=$(CDPATH='' cd -- "$ROOT" && pwd)
  START=0
fi
REAL=0; [ -z "$R" ] && REAL=1

APP=$R/usr/lib/outpost
ETC=$R/etc/outpost
DATA=$R/var/lib/outpost
UNITDIR=$R/etc/systemd/system
BIN=$R/usr/local/bin/outpost
UNITS="outpost.service outpost-watchdog.service outpost-watchdog.timer outpost-smart.service outpost-smart.timer"
CHANGED=0   # anything the running service would notice: restart it

# ---------------------------------------------------------------- uninstall
if [ "$UNINSTALL" = 1 ]; then
  if [ "$REAL" = 1 ]; then
    for u in outpost-watchdog.timer outpost-smart.timer outpost.service; do systemctl disable --now "$u" >/dev/null 2>&1 || true; done
  fi
  for u in $UNITS; do rm -f "$UNITDIR/$u"; done
  [ "$REAL" = 1 ] && systemctl daemon-reload
  rm -rf "$APP" "$BIN"
  if [ "$PURGE" = 1 ]; then
    rm -rf "$ETC" "$DATA"
    if [ "$REAL" = 1 ] && id outpost >/dev/null 2>&1; then userdel outpost; fi
    say "removed, with the config, the data and the outpost user"
  else
    say "removed the program; the config ($ETC) and data ($DATA) are kept (--uninstall --purge deletes them)"
  fi
  exit 0
fi

# ---------------------------------------------------------------- Node.js 20+
OS_ID=unknown; OS_VER=; OS_NAME="this system"
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  OS_ID=${ID:-unknown}; OS_VER=${VERSION_CODENAME:-}; OS_NAME=${PRETTY_NAME:-$OS_ID}
fi
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
NODE=$(command -v node || true)
NODE_MAJOR=0
[ -n "$NODE" ] && NODE_MAJOR=$("$NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$NODE_MAJOR" -lt 20 ]; then
  cat >&2 <<EOF
install.sh: Outpost needs Node.js 20 or newer; ${NODE:+this box has $($NODE -v), }${NODE:-no node is installed}.
  $OS_NAME ($ARCH):
EOF
  case "$OS_VER" in
    trixie|forky|sid) echo "    apt-get install nodejs npm        # Debian 13 / Raspberry Pi OS trixie ship Node.js 20+" >&2 ;;
    *) cat >&2 <<EOF
    Debian 12 / Raspberry Pi OS bookworm ship Node.js 18, too old. Either upgrade the box to trixie, or
    install Node.js 22 from NodeSource (arm64, armhf and amd64 builds), then run this script again:
      apt-get install -y curl ca-certificates
      curl -fsSL https://deb.nodesource.com/setup_22.x -o /tmp/nodesource_setup.sh
      less /tmp/nodesource_setup.sh            # read what it does
      bash /tmp/nodesource_setup.sh && apt-get install -y nodejs
    (On a Pi Zero / Pi 1, armv6, no current Node.js build exists: use a Pi 3 or newer.)
EOF
    ;;
  esac
  exit 1
fi
NODE=$(readlink -f "$NODE")

# ---------------------------------------------------------------- Debian packages
PKGS="fping snmp smartmontools openssl"
[ "$INFLUX" = 1 ] && PKGS="$PKGS influxdb"
missing=
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$REAL" = 1 ]; then
    say "installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
      || die "apt-get could not install$missing (if influxdb is the one missing: newer Debian releases do not ship it; drop --influxdb and point storage.influxdb at a server)"
  else
    say "(--root) not installing Debian packages:$missing"
  fi
fi
[ "$INFLUX" = 0 ] && [ "$REAL" = 1 ] && ! dpkg-query -W influxdb >/dev/null 2>&1 \
  && say "tip: --influxdb installs Debian's InfluxDB 1.x for a local store on this box"

# ---------------------------------------------------------------- build (in the source tree)
if [ ! -f "$SRC/dist/server/cli.js" ] || [ ! -d "$SRC/node_modules" ]; then
  say "building in $SRC (npm ci, npm run build)"
  (cd "$SRC" && npm ci --no-audit --no-fund && npm run build) || die "build failed in $SRC"
fi
if [ -f "$SRC/ui/package.json" ] && [ ! -f "$SRC/ui/dist/index.html" ]; then
  say "note: the dashboard is not built (ui/dist missing); the API works, the web page will 404"
fi

# ---------------------------------------------------------------- user and folders
if [ "$REAL" = 1 ] && ! id outpost >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/outpost --no-create-home --shell /usr/sbin/nologin --comment "Outpost monitoring" outpost
  say "created the system user outpost"
fi
# owner USER:GROUP MODE PATH — only where the user exists (not in a throwaway --root)
own() { if [ "$REAL" = 1 ]; then chown "$1" "$3"; fi; chmod "$2" "$3"; }
mkdir -p "$ETC/tls" "$DATA/smart" "$R/usr/local/bin" "$UNITDIR"
own outpost:outpost 0700 "$ETC"
own outpost:outpost 0700 "$ETC/tls"
own outpost:outpost 0750 "$DATA"
# Written by root's outpost-smart.service, read by outpost.
own root:outpost 0750 "$DATA/smart"

# ---------------------------------------------------------------- program
# One stamp of everything copied: unchanged sources are not copied again (the second run is a no-op).
stamp() {
  (cd "$SRC" && { cat package.json package-lock.json; find dist config systemd docs scripts/smartctl-helper ui/dist -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum; echo "node=$NODE"; }) | sha256sum | cut -d' ' -f1
}
NEW_STAMP=$(stamp)
if [ "$(cat "$APP/.install-stamp" 2>/dev/null)" != "$NEW_STAMP" ]; then
  say "installing the program into $APP"
  rm -rf "$APP.new"
  mkdir -p "$APP.new/scripts"
  cp -R "$SRC/package.json" "$SRC/package-lock.json" "$SRC/dist" "$SRC/config" "$SRC/systemd" "$APP.new/"
  [ -d "$SRC/docs" ] && cp -R "$SRC/docs" "$APP.new/"
  if [ -d "$SRC/ui/dist" ]; then mkdir -p "$APP.new/ui" && cp -R "$SRC/ui/dist" "$APP.new/ui/"; fi
  # Runtime dependencies only (npm's own list): the test tools and compilers stay in the source tree.
  deps=$(cd "$SRC" && npm ls --omit=dev --all --parseable 2>/dev/null | sed "s#^$SRC/##" | grep '^node_modules/' | grep -v '^node_modules/.*/node_modules/' || true)
  [ -n "$deps" ] || die "npm ls found no runtime dependencies in $SRC (run npm ci there)"
  # shellcheck disable=SC2086
  (cd "$SRC" && cp -R --parents $deps "$APP.new/")
  cp "$SRC/scripts/smartctl-helper" "$APP.new/smartctl-helper"
  rmdir "$APP.new/scripts"
  # Root-owned, not writable by outpost or by the user who cloned the repo: smartctl-helper runs as root.
  [ "$(id -u)" = 0 ] && chown -R 0:0 "$APP.new"
  chmod -R go-w "$APP.new"
  chmod 0755 "$APP.new/smartctl-helper" "$APP.new/systemd/outpost-healthcheck"
  echo "$NEW_STAMP" > "$APP.new/.install-stamp"
  rm -rf "$APP.old"
  [ -d "$APP" ] && mv "$APP" "$APP.old"
  mv "$APP.new" "$APP"
  rm -rf "$APP.old"
  CHANGED=1
fi

# The command line: runs as outpost (files it creates must stay readable by the service) with the box's config.
WRAPPER=$(cat <<EOF
#!/bin/sh
# outpost command (installed by scripts/install.sh)
# backup/restore stay root (they write where the admin says and chown what they restore); the rest runs as outpost.
case "\${1:-}" in backup|restore) ;; *) if [ "\$(id -u)" = 0 ] && id outpost >/dev/null 2>&1; then exec runuser -u outpost -- "\$0" "\$@"; fi ;; esac
if [ -r /etc/outpost/outpost.env ]; then set -a; . /etc/outpost/outpost.env; set +a; fi
export OUTPOST_CONFIG="\${OUTPOST_CONFIG:-/etc/outpost/outpost.yaml}" OUTPOST_DATA_DIR="\${OUTPOST_DATA_DIR:-/var/lib/outpost}"
exec $NODE --openssl-legacy-provider /usr/lib/outpost/dist/server/cli.js "\$@"
EOF
)
if [ "$(cat "$BIN" 2>/dev/null)" != "$WRAPPER" ]; then
  printf '%s\n' "$WRAPPER" > "$BIN"
  chmod 0755 "$BIN"
fi

# ---------------------------------------------------------------- config, secrets, TLS
HOST=$(hostname 2>/dev/null || echo outpost)
SITE=$(printf '%s' "$HOST" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9._-' '-' | sed 's/^[^a-z0-9]*//; s/-*$//')
[ -n "$SITE" ] || SITE=outpost
if [ ! -e "$ETC/outpost.yaml" ]; then
  cat > "$ETC/outpost.yaml" <<EOF
# Outpost on $HOST. Reference for every key: /usr/lib/outpost/config/README.md; a full example site:
# /usr/lib/outpost/config/outpost.example.yaml. Secrets go in /etc/outpost/outpost.env and are used here as
# \${NAME}. Check with: outpost check-config /etc/outpost/outpost.yaml — then: systemctl reload outpost
site:
  id: $SITE
  name: "$HOST"
server:
  port: 443
  host: 0.0.0.0
  tls:
    # A self-signed pair made at install; put the MSP's own certificate and key here instead if it has one.
    cert: /etc/outpost/tls/cert.pem
    key: /etc/outpost/tls/key.pem
    redirect_port: 80
storage:
  embedded:
    path: /var/lib/outpost
credentials:
  local: { version: 2c, community: public }
defaults:
  interval: 60s
  timeout: 3s
devices:
  - name: outpost-self
    host: 127.0.0.1
    snmp: local
    description: "The Outpost box itself"
    # Disks read by root's outpost-smart.timer; this helper hands Outpost the results (never root itself).
    smart: { smartctl: /usr/lib/outpost/smartctl-helper }
EOF
  CHANGED=1
  say "wrote $ETC/outpost.yaml"
fi
if [ ! -e "$ETC/outpost.env" ]; then
  cat > "$ETC/outpost.env" <<'EOF'
# Secrets for /etc/outpost/outpost.yaml, one NAME=value a line, used there as ${NAME}:
# SNMP_COMMUNITY=…
# INFLUX_TOKEN=…
EOF
fi
own outpost:outpost 0600 "$ETC/outpost.yaml"
own outpost:outpost 0600 "$ETC/outpost.env"
if [ ! -e "$ETC/tls/cert.pem" ] && [ ! -e "$ETC/tls/key.pem" ]; then
  SAN="DNS:$HOST,DNS:$HOST.local,DNS:localhost,IP:127.0.0.1"
  for ip in $(hostname -I 2>/dev/null); do case "$ip" in *:*) ;; *) SAN="$SAN,IP:$ip" ;; esac; done
  # Same parameters as server/tls.ts: EC P-256 (fast on a Pi), ten years (nobody renews a cert in a closet).
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout "$ETC/tls/key.pem" -out "$ETC/tls/cert.pem" -subj "/CN=$HOST/O=Outpost" \
    -addext "subjectAltName=$SAN" -addext "extendedKeyUsage=serverAuth" 2>/dev/null || die "openssl could not make a certificate"
  CHANGED=1
  say "made a self-signed certificate for $SAN"
fi
[ -e "$ETC/tls/key.pem" ] && own outpost:outpost 0600 "$ETC/tls/key.pem"
[ -e "$ETC/tls/cert.pem" ] && own outpost:outpost 0644 "$ETC/tls/cert.pem"

# Loopback health URL for the watchdog, from the config as Outpost itself reads it.
HEALTH_URL=$(OUTPOST_DATA_DIR=$DATA "$NODE" --input-type=module -e "
  import { readFileSync } from 'node:fs';
  const { parse } = await import('$APP/node_modules/yaml/dist/index.js');
  let s = {};
  try { s = parse(readFileSync(process.argv[1], 'utf8'))?.server ?? {}; } catch {}
  console.log((s.tls ? 'https' : 'http') + '://127.0.0.1:' + (s.port ?? 8080) + '/api/health');
" "$ETC/outpost.yaml")
HEALTH_ENV="OUTPOST_HEALTH_URL=$HEALTH_URL
OUTPOST_NODE=$NODE"
if [ "$(cat "$ETC/healthcheck.env" 2>/dev/null)" != "$HEALTH_ENV" ]; then
  printf '%s\n' "$HEALTH_ENV" > "$ETC/healthcheck.env"
  chmod 0644 "$ETC/healthcheck.env"
fi

# ---------------------------------------------------------------- units
UNITS_CHANGED=0
for u in $UNITS; do
  want=$(sed "s#/usr/bin/node #$NODE #" "$SRC/systemd/$u")
  if [ "$(cat "$UNITDIR/$u" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" > "$UNITDIR/$u"
    chmod 0644 "$UNITDIR/$u"
    UNITS_CHANGED=1
  fi
done
[ "$UNITS_CHANGED" = 1 ] && CHANGED=1

if [ "$REAL" = 0 ]; then
  say "installed into $R (no systemctl in a --root install)"
  exit 0
fi
[ "$UNITS_CHANGED" = 1 ] && systemctl daemon-reload
systemctl enable --quiet outpost.service outpost-watchdog.timer outpost-smart.timer
if [ "$START" = 0 ]; then
  say "installed; start it with: systemctl start outpost outpost-watchdog.timer outpost-smart.timer"
  say "the one-time setup code is then in: journalctl -u outpost | grep 'setup code'"
  exit 0
fi
systemctl start outpost-smart.timer outpost-watchdog.timer
if [ "$CHANGED" = 1 ] && systemctl is-active --quiet outpost.service; then systemctl restart outpost.service; else systemctl start outpost.service; fi

# ---------------------------------------------------------------- where to go next
PORT=$(printf '%s' "$HEALTH_URL" | sed 's#.*://127.0.0.1:\([0-9]*\)/.*#\1#')
SCHEME=${HEALTH_URL%%://*}
SUFFIX=; { [ "$SCHEME" = https ] && [ "$PORT" = 443 ]; } || { [ "$SCHEME" = http ] && [ "$PORT" = 80 ]; } || SUFFIX=":$PORT"
say "running. Open one of:"
echo "    $SCHEME://$HOST.local$SUFFIX/"
for ip in $(hostname -I 2>/dev/null); do case "$ip" in *:*) ;; *) echo "    $SCHEME://$ip$SUFFIX/" ;; esac; done
[ "$SCHEME" = https ] && echo "    (self-signed certificate, SHA-256 $(openssl x509 -in "$ETC/tls/cert.pem" -noout -fingerprint -sha256 | cut -d= -f2))"
code=
i=0
while [ $i -lt 30 ] && [ -z "$code" ]; do
  code=$(journalctl -u outpost.service -b --no-pager -o cat 2>/dev/null | sed -n 's/.*setup code \([0-9a-f]*\).*/\1/p' | tail -n 1)
  [ -n "$code" ] && break
  if journalctl -u outpost.service -b --no-pager -o cat 2>/dev/null | grep -q 'Outpost for site'; then break; fi
  sleep 1; i=$((i + 1))
done
if [ -n "$code" ]; then
  say "setup code: $code  (create the first admin on the page above, or: echo 'a long password' | outpost user add admin --role admin --password-stdin)"
else
  say "no setup code: an admin exists already (outpost user add NAME --role admin --password-stdin adds another)"
fi
