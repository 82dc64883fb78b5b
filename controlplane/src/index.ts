/** Public entry of the control plane for the appliance (composition root). */
export { startControlPlane, createJsonLogger } from './control-plane';
export type { ControlPlane } from './control-plane';
export type { ControlPlaneOptions } from './config/control-plane-options';
export type { ProbeDataplane } from './dataplane/probe-dataplane';
export * from './api/api-types';
