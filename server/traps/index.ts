/** SNMP trap receiver: config schema, the receiver, and the pure trap → points mapping it uses. */
export { TrapConfigSchema, trapCommunities, trapUsers, type TrapConfig } from './config.js';
export { TrapReceiver, classifyError, type TrapDevice, type RecentTrap, type TrapReceiverOptions } from './receiver.js';
export { DROP_REASONS, type DropReason, type TrapStats } from './stats.js';
export { decodeNotification, type Trap } from './decode.js';
export { mapTrap, KNOWN_TRAPS } from './map.js';
