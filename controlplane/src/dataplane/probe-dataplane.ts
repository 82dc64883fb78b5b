import type { InterfaceHandle } from '@flowprobe/dataplane';

/**
 * A running capture interface as the control plane uses it: the dataplane's
 * one exported {@link InterfaceHandle} (what `startDataplane` returns; reads
 * and the periodic pass run in reader threads and answer as promises, so the
 * event loop never waits for a walk over the tables). The appliance owns
 * start and stop.
 */
export type ProbeDataplane = InterfaceHandle;

/** Injection token of the `ProbeDataplane[]` (one per capture interface, index = interface id). */
export const PROBE_DATAPLANES = Symbol('PROBE_DATAPLANES');
