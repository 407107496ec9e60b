import { Type, type Static } from '@sinclair/typebox';
import { DeviceClassSchema } from '../alerts/schema.js';

/** A device discovery found and nobody has configured yet. Stored, never added to the config by itself. */
export const ProposalSchema = Type.Object(
  {
    address: Type.String(),
    sysName: Type.Optional(Type.String()),
    class: DeviceClassSchema,
    vendor: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    version: Type.Optional(Type.String()),
    sysObjectID: Type.Optional(Type.String()),
    sysDescr: Type.Optional(Type.String()),
    /** The credential (by name) that got an answer; absent: the host answers ping only. */
    credential: Type.Optional(Type.String()),
    firstSeen: Type.Number(),
    lastSeen: Type.Number(),
    status: Type.Union([Type.Literal('proposed'), Type.Literal('accepted'), Type.Literal('ignored')]),
    /** The devices: entry to paste into the config (accepted proposals, and on request). */
    snippet: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Proposal = Static<typeof ProposalSchema>;

export const ScanResultSchema = Type.Object(
  {
    startedAt: Type.Number(),
    finishedAt: Type.Number(),
    subnets: Type.Array(Type.String()),
    /** Addresses swept (the subnets' hosts minus this box's own addresses). */
    targets: Type.Integer(),
    /** This box's own addresses inside the subnets: not swept, not proposed. */
    self: Type.Array(Type.String()),
    alive: Type.Array(Type.String()),
    /** Alive hosts already in the config: not proposed again. */
    configured: Type.Array(Type.String()),
    proposals: Type.Array(ProposalSchema),
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ScanResult = Static<typeof ScanResultSchema>;
