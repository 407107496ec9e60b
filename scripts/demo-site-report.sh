#!/usr/bin/env bash
# A month's SLA report for a simulated 6-device site, in one command:
#   scripts/demo-site-report.sh [OUT_DIR]      (default ./demo-site-report)
# Builds the project, writes a config and an embedded store with October 2026 of simulated polling
# (scripts/demo-site-report.ts), then runs `outpost report sla` for HTML and CSV, plus the inventory.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(mkdir -p "${1:-demo-site-report}" && cd "${1:-demo-site-report}" && pwd)"
cd "$ROOT"
[ -f dist/scripts/demo-site-report.js ] && [ -z "${REBUILD:-}" ] || npm run build >/dev/null
rm -rf "$OUT/data"
node dist/scripts/demo-site-report.js "$OUT"
outpost() {
  # `outpost report` once server/cli.ts dispatches it; until then the command module directly.
  if node dist/server/cli.js help 2>/dev/null | grep -q 'report sla'; then
    node --openssl-legacy-provider dist/server/cli.js "$@"
  else
    node --input-type=module -e "const m = await import('$ROOT/dist/server/cli/report.js'); process.exitCode = await m.reportCommand(process.argv.slice(1), process.stdout);" -- "${@:2}"
  fi
}
outpost report sla --month 2026-10 --config "$OUT/outpost.yaml" --format html --out "$OUT/sla-acme-dental-2026-10.html"
outpost report sla --month 2026-10 --config "$OUT/outpost.yaml" --format csv --out "$OUT/sla-acme-dental-2026-10.csv"
outpost report inventory --config "$OUT/outpost.yaml" --format csv --out "$OUT/inventory-acme-dental.csv"
echo "--- month figures (scope,name,...,uptime_pct,coverage_pct,up_min,down_min,down_unreachable_min,down_parent_min,maintenance_min,unknown_min)"
grep -E '^(site|class|device),' "$OUT/sla-acme-dental-2026-10.csv"
