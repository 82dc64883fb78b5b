/** `ip` for VLAN 0, `ip@vlan` otherwise: how a host is named in Redis keys and timeseries. */
export function hostKey(ip: string, vlan: number): string {
  return vlan === 0 ? ip : `${ip}@${vlan}`;
}
