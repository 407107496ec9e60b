import type { GenericCollector } from '../types.js';
import { entityCollector } from './entity.js';
import { hostResourcesCollector } from './host-resources.js';
import { upsMibCollector } from './ups-mib.js';
import { entitySensorCollector } from './entity-sensor.js';
import { poeCollector } from './poe.js';

/**
 * Collectors that run on every device whatever its profile, in this order; a vendor profile's values override
 * theirs field by field (and a profile may skip one it reads itself, see Profile.covers). Listed once here.
 */
export const genericCollectors: GenericCollector[] = [entityCollector, hostResourcesCollector, upsMibCollector, entitySensorCollector, poeCollector];
