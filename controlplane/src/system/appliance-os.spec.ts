import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { parseChronyTracking, parseDefaultRoutes, parseIpAddr, parseResolvConf } from './appliance-os';

describe('appliance OS parsers', () => {
  it('reads `ip -j addr` as this machine prints it: every non-loopback address the kernel reports', () => {
    const parsed = parseIpAddr(execFileSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' }));
    expect(parsed.some((i) => i.name === 'lo')).toBe(false);
    // Interfaces present in both reads (other tests may add veths meanwhile) carry the same addresses.
    const kernel = networkInterfaces();
    const common = parsed.filter((i) => kernel[i.name] && i.addresses.length > 0);
    expect(common.length).toBeGreaterThan(0);
    for (const iface of common) {
      expect(iface.addresses.map((a) => a.address).sort()).toEqual(kernel[iface.name]!.map((a) => a.address.replace(/%.*$/, '')).sort());
      for (const a of iface.addresses) expect(a.family).toBe(a.address.includes(':') ? 'ipv6' : 'ipv4');
    }
  });

  it('reads default routes and marks DHCP addresses dynamic', () => {
    expect(parseDefaultRoutes('[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","protocol":"dhcp","flags":[]},{"dst":"default","dev":"wg0","flags":[]}]')).toEqual([
      { address: '192.0.2.1', interface: 'eth0' },
    ]);
    const [eth] = parseIpAddr(
      '[{"ifname":"eth0","operstate":"UP","address":"52:54:00:12:34:56","link_type":"ether","addr_info":[{"family":"inet","local":"10.0.2.15","prefixlen":24,"scope":"global","dynamic":true,"label":"eth0"}]}]',
    );
    expect(eth).toEqual({ name: 'eth0', state: 'UP', mac: '52:54:00:12:34:56', addresses: [{ address: '10.0.2.15', prefix: 24, family: 'ipv4', dynamic: true, scope: 'global' }] });
    expect(() => parseIpAddr('{"not":"an array"}')).toThrow(/JSON array/);
  });

  it('reads nameservers from resolv.conf', () => {
    expect(parseResolvConf('# generated\nnameserver 10.0.2.3\nsearch example\n  nameserver   2001:db8::53\n')).toEqual(['10.0.2.3', '2001:db8::53']);
  });

  it('reads `chronyc -c tracking`, synchronised or not, and refuses a line that is not it', () => {
    const synced = parseChronyTracking('C0000201,192.0.2.1,3,1796600000.123456789,-0.000012345,0.000001234,0.000023456,-12.345,0.001,0.020,0.015234000,0.000567000,64.4,Normal\n');
    expect(synced).toEqual({
      available: true,
      synchronized: true,
      reference: '192.0.2.1',
      stratum: 3,
      reference_time: new Date(1796600000123.4568).toISOString(),
      system_offset_s: -0.000012345,
      last_offset_s: 0.000001234,
      root_delay_s: 0.015234,
      root_dispersion_s: 0.000567,
      update_interval_s: 64.4,
      leap_status: 'Normal',
    });
    const unsynced = parseChronyTracking('00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised\n');
    expect(unsynced).toMatchObject({ available: true, synchronized: false, reference: null, stratum: 0, reference_time: null, leap_status: 'Not synchronised' });
    expect(() => parseChronyTracking('506 Cannot talk to daemon')).toThrow(/14 fields/);
    expect(() => parseChronyTracking('a,b,c,d,e,f,g,h,i,j,k,l,m,n')).toThrow(/not a number/);
  });
});
