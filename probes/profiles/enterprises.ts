/**
 * IANA enterprise numbers of the makers an MSP meets, so even a device no profile knows gets a vendor name
 * from its sysObjectID (1.3.6.1.4.1.<enterprise>…). Not exhaustive on purpose: an unknown number is shown
 * as `enterprise N`, which is still something a tech can look up.
 */
const ENTERPRISES: Record<number, string> = {
  2: 'IBM', 9: 'Cisco', 11: 'HP', 43: '3Com', 171: 'D-Link', 232: 'HPE (Compaq)', 311: 'Microsoft', 318: 'APC',
  534: 'Eaton', 674: 'Dell', 705: 'Eaton (MGE)', 850: 'Tripp Lite', 890: 'Zyxel', 1588: 'Brocade', 1916: 'Extreme',
  2021: 'net-snmp (UCD)', 2604: 'Sophos', 2636: 'Juniper', 3097: 'WatchGuard', 3808: 'CyberPower', 4413: 'Ubiquiti',
  4526: 'Netgear', 4555: 'Socomec', 5624: 'Enterasys', 6574: 'Synology', 6876: 'VMware', 7367: 'DrayTek', 8072: 'net-snmp',
  8741: 'SonicWall', 11863: 'TP-Link', 12325: 'FreeBSD (bsnmpd)', 12356: 'Fortinet', 14179: 'Cisco (Airespace)',
  14988: 'MikroTik', 24681: 'QNAP', 25461: 'Palo Alto Networks', 25506: 'H3C', 29671: 'Cisco Meraki', 30065: 'Arista',
  41112: 'Ubiquiti', 47196: 'Aruba (HPE)', 50536: 'iXsystems (TrueNAS)', 2011: 'Huawei', 1991: 'Brocade (Foundry)',
  5596: 'Generex', 4130: 'NetMan (Riello)', 1248: 'Epson', 1602: 'Canon', 2435: 'Brother', 367: 'Ricoh', 253: 'Xerox',
  641: 'Lexmark', 1347: 'Kyocera',
};

export function enterpriseOf(sysObjectID: string): number | undefined {
  const m = /^1\.3\.6\.1\.4\.1\.(\d+)/.exec(sysObjectID);
  return m ? Number(m[1]) : undefined;
}

export function vendorFromSysObjectID(sysObjectID: string): string | undefined {
  const e = enterpriseOf(sysObjectID);
  if (e === undefined) return undefined;
  return ENTERPRISES[e] ?? `enterprise ${e}`;
}
