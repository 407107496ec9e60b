import type { Profile } from '../types.js';
import { SCORE, enterprise } from './common.js';

/**
 * Cisco Meraki MX / Z security appliances. Their local SNMP agent serves only MIB-2 (the rich data lives in
 * the Meraki cloud), so this profile names the box and leaves ports and uptime to the generic collectors.
 * Meraki APs and switches share enterprise 29671; only MX and Z models are claimed here.
 */
const APPLIANCE = /\bMeraki\s+((?:MX|Z)\d[\w-]*)/i;

export const merakiMx: Profile = {
  id: 'meraki-mx',
  vendor: 'Cisco Meraki',
  class: 'firewall',
  match: (sys) => (enterprise(sys.sysObjectID) === 29671 && APPLIANCE.test(sys.sysDescr) ? SCORE.exact : 0),
  async collect(ctx) {
    return { identity: { vendor: 'Cisco Meraki', os: 'Meraki MX', model: APPLIANCE.exec(ctx.sys.sysDescr)?.[1] }, points: [] };
  },
};
