import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertPaths {
  cert: string;
  key: string;
}

export interface CertInfo {
  generated: boolean;
  subject: string;
  /** SHA-256 fingerprint, printed so a tech can check the self-signed certificate the browser warns about. */
  fingerprint256: string;
  validTo: string;
  altNames: string;
}

/**
 * Names the box answers to: its host name, the mDNS `.local` name Raspberry Pi OS announces, localhost and
 * every IPv4 address it has now. A box that moves to another LAN gets a new address; restart with the cert
 * removed (or re-run the installer) to regenerate.
 */
export function defaultAltNames(): string[] {
  const h = hostname();
  const dns = [...new Set([h, `${h}.local`, 'localhost'])].filter((n) => /^[A-Za-z0-9.-]+$/.test(n)).map((n) => `DNS:${n}`);
  const ips = new Set(['127.0.0.1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4') ips.add(a.address);
  return [...dns, ...[...ips].map((ip) => `IP:${ip}`)];
}

/**
 * Use the MSP's own cert and key when they exist; otherwise make a self-signed one with openssl (the same
 * command scripts/install.sh runs). Ten years, because nobody renews a certificate on a box in a closet, and an
 * EC P-256 key, because RSA key generation takes long on a Pi Zero. Half a pair is an error, never overwritten:
 * it is probably the MSP's cert with a mistyped key path.
 */
export async function ensureCertificate(paths: CertPaths, opts: { altNames?: string[]; openssl?: string; days?: number } = {}): Promise<CertInfo> {
  const haveCert = existsSync(paths.cert);
  const haveKey = existsSync(paths.key);
  if (haveCert !== haveKey) throw new Error(`TLS: ${haveCert ? paths.key : paths.cert} is missing but ${haveCert ? paths.cert : paths.key} exists; fix the path or remove both to have a self-signed pair made`);
  if (haveCert) return { generated: false, ...describe(paths.cert) };

  const names = opts.altNames ?? defaultAltNames();
  const cn = (names.find((n) => n.startsWith('DNS:')) ?? 'DNS:outpost').slice(4);
  for (const p of [paths.cert, paths.key]) mkdirSync(dirname(p), { recursive: true });
  // Written next to the targets and renamed: a crash never leaves a half-written key to be "used".
  const tmpKey = `${paths.key}.tmp-${process.pid}`;
  const tmpCert = `${paths.cert}.tmp-${process.pid}`;
  try {
    await run(opts.openssl ?? 'openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', tmpKey, '-out', tmpCert, '-days', String(opts.days ?? 3650),
      '-subj', `/CN=${cn}/O=Outpost`, '-addext', `subjectAltName=${names.join(',')}`,
      '-addext', 'extendedKeyUsage=serverAuth',
    ], { timeout: 60_000 });
    chmodSync(tmpKey, 0o600);
    renameSync(tmpKey, paths.key);
    renameSync(tmpCert, paths.cert);
  } catch (err) {
    rmSync(tmpKey, { force: true });
    rmSync(tmpCert, { force: true });
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('TLS: openssl is not installed (apt-get install openssl), and no certificate is configured');
    throw new Error(`TLS: openssl could not make a certificate: ${(e.stderr ?? e.message).trim()}`);
  }
  return { generated: true, ...describe(paths.cert) };
}

function describe(certPath: string): Omit<CertInfo, 'generated'> {
  let x: X509Certificate;
  try {
    x = new X509Certificate(readFileSync(certPath));
  } catch (err) {
    throw new Error(`TLS: ${certPath} is not a PEM certificate (${(err as Error).message})`);
  }
  return { subject: x.subject.replace(/\n/g, ', '), fingerprint256: x.fingerprint256, validTo: x.validTo, altNames: x.subjectAltName ?? '' };
}
