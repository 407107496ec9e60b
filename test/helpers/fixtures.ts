import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { RecordingClient } from '../../probes/snmp/recording.js';
import { parseSnmprec } from '../../probes/snmp/recording.js';
import type { ProfileContext, SysInfo } from '../../probes/profiles/types.js';
import { silentLogger } from '../../probes/types.js';
import { asNumber, asString } from '../../probes/snmp/varbind.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const RECORDINGS = join(FIXTURES, 'snmp', 'recordings');

/** Names of every development recording (the community string snmpsim serves it under). */
export function recordingNames(): string[] {
  return readdirSync(RECORDINGS)
    .filter((f) => f.endsWith('.snmprec'))
    .map((f) => f.slice(0, -'.snmprec'.length))
    .sort();
}

export function recordingClient(name: string): RecordingClient {
  return RecordingClient.fromFile(join(RECORDINGS, `${name}.snmprec`));
}

/** A ProfileContext answering from a recording, with the system group read from it. */
export function recordingContext(name: string, now = Date.UTC(2026, 10, 28)): ProfileContext {
  const vbs = parseSnmprec(readFileSync(join(RECORDINGS, `${name}.snmprec`), 'utf8'));
  const byOid = new Map(vbs.map((v) => [v.oid, v]));
  const sys: SysInfo = {
    sysDescr: asString(byOid.get('1.3.6.1.2.1.1.1.0')?.value) ?? '',
    sysObjectID: String(byOid.get('1.3.6.1.2.1.1.2.0')?.value ?? '').replace(/^\./, ''),
    sysUpTime: asNumber(byOid.get('1.3.6.1.2.1.1.3.0')?.value),
    sysName: asString(byOid.get('1.3.6.1.2.1.1.5.0')?.value),
  };
  return { snmp: new RecordingClient(vbs), sys, log: silentLogger, now };
}

/** LibreNMS's opinion of each recording (see test/fixtures/snmp/ORACLE.md). */
export function oracle(): Record<string, any> {
  return JSON.parse(readFileSync(join(FIXTURES, 'snmp', 'ORACLE.json'), 'utf8'));
}
