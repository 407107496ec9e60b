import { SnmpType, asString, type SnmpValue, type Varbind } from '../../probes/snmp/varbind.js';

/**
 * One notification as the rest of Outpost sees it, whatever the SNMP version: v1 Trap-PDUs are translated to
 * the v2 form (RFC 3584 §3.1) so that mapping has one shape to look at — a trap OID plus varbinds.
 */
export interface Trap {
  version: '1' | '2c' | '3';
  /** snmpTrapOID: for v1 generic traps 1.3.6.1.6.3.1.1.5.(generic+1), for enterprise traps enterprise.0.specific. */
  trapOid: string;
  /** The sender's sysUpTime in hundredths of a second, when it said. */
  uptime?: number;
  /** The address the agent claims (v1 agent-addr, v2 snmpTrapAddress.0): differs from the UDP source behind relays. */
  agentAddress?: string;
  varbinds: Varbind[];
  /** true for InformRequest (net-snmp has already acknowledged it). */
  inform: boolean;
}

export const OID = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  snmpTrapOID: '1.3.6.1.6.3.1.1.4.1.0',
  snmpTrapAddress: '1.3.6.1.6.3.18.1.3.0',
  snmpTrapEnterprise: '1.3.6.1.6.3.1.1.4.3.0',
  snmpTraps: '1.3.6.1.6.3.1.1.5',
} as const;

const PDU_TRAP_V1 = 164;
const PDU_INFORM = 166;
const PDU_TRAP_V2 = 167;

/** What net-snmp's receiver hands over (with `includeAuthentication`), narrowed to what we read. */
export interface RawNotification {
  pdu: {
    type: number;
    enterprise?: string;
    agentAddr?: string;
    generic?: number;
    specific?: number;
    upTime?: number;
    varbinds?: Array<{ oid: string; type: number; value: unknown }>;
    community?: string;
    user?: string;
  };
  rinfo: { address: string; port: number; family?: string; size?: number };
}

/** Thrown for a notification that parsed as BER but makes no sense as a trap (no snmpTrapOID, wrong PDU). */
export class TrapDecodeError extends Error {}

/** Counter64 arrives as a big-endian Buffer; turn it into a bigint like the poller does. */
function value(type: number, v: unknown): SnmpValue {
  if (type === SnmpType.Counter64 && Buffer.isBuffer(v)) {
    let n = 0n;
    for (const byte of v) n = (n << 8n) | BigInt(byte);
    return n;
  }
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || Buffer.isBuffer(v)) return v;
  return String(v);
}

export function decodeNotification(n: RawNotification): Trap {
  const pdu = n.pdu;
  const varbinds: Varbind[] = (pdu.varbinds ?? []).map((vb) => ({ oid: String(vb.oid), type: Number(vb.type), value: value(vb.type, vb.value) }));
  if (pdu.type === PDU_TRAP_V1) {
    const generic = Number(pdu.generic);
    if (!Number.isInteger(generic) || generic < 0 || generic > 6) throw new TrapDecodeError(`v1 trap with generic-trap ${pdu.generic}`);
    const trapOid = generic === 6 ? `${pdu.enterprise}.0.${pdu.specific}` : `${OID.snmpTraps}.${generic + 1}`;
    const t: Trap = { version: '1', trapOid, varbinds, inform: false };
    if (typeof pdu.upTime === 'number') t.uptime = pdu.upTime;
    // 0.0.0.0 is what many agents put when they do not know their own address: no information.
    if (pdu.agentAddr && pdu.agentAddr !== '0.0.0.0') t.agentAddress = pdu.agentAddr;
    return t;
  }
  if (pdu.type !== PDU_TRAP_V2 && pdu.type !== PDU_INFORM) throw new TrapDecodeError(`PDU type ${pdu.type} is not a notification`);
  // RFC 3416 §4.2.6: the first two varbinds are sysUpTime.0 and snmpTrapOID.0. Be lenient about their order.
  const oidVb = varbinds.find((vb) => vb.oid === OID.snmpTrapOID);
  if (!oidVb || typeof oidVb.value !== 'string' || !/^\d+(\.\d+)+$/.test(oidVb.value)) throw new TrapDecodeError('notification without snmpTrapOID.0');
  const up = varbinds.find((vb) => vb.oid === OID.sysUpTime);
  const addr = varbinds.find((vb) => vb.oid === OID.snmpTrapAddress);
  const t: Trap = {
    version: pdu.user !== undefined ? '3' : '2c',
    trapOid: oidVb.value,
    varbinds: varbinds.filter((vb) => vb !== oidVb && vb !== up),
    inform: pdu.type === PDU_INFORM,
  };
  if (typeof up?.value === 'number') t.uptime = up.value;
  if (typeof addr?.value === 'string' && addr.value !== '0.0.0.0') t.agentAddress = addr.value;
  return t;
}

/** A varbind value for humans (the dashboard's recent-traps list): text when printable, else hex. */
export function varbindText(vb: Varbind): string {
  if (vb.value === null) return '';
  if (vb.type === SnmpType.OctetString || vb.type === SnmpType.Opaque) return asString(vb.value) ?? '';
  return String(vb.value);
}
