import { HostNames, nameClaim } from './host-names';

const C = { ip: '10.0.0.9', port: 50000 };

describe('HostNames', () => {
  it('learns names from DNS answers and from the SNI / Host of running flows, and finds addresses by part of a name', () => {
    const names = new HostNames();
    names.learnFromActive([
      // A DNS query names the address in its answer, not the resolver.
      { client: C, server: { ip: '10.0.0.53', port: 53 }, server_name: 'www.example.org', l7: 'DNS', info: { dns_answer: '93.184.216.34' } },
      { client: C, server: { ip: '52.94.232.134', port: 443 }, server_name: 'firs-ta-g7g.amazon.com', l7: 'TLS.Amazon' },
      { client: C, server: { ip: '10.0.0.53', port: 53 }, server_name: 'no-answer.example', l7: 'DNS' },
      { client: C, server: { ip: '192.0.2.1', port: 80 }, server_name: '', l7: 'HTTP' },
    ]);
    expect(names.nameOf('93.184.216.34')).toBe('www.example.org');
    expect(names.nameOf('52.94.232.134')).toBe('firs-ta-g7g.amazon.com');
    expect(names.nameOf('10.0.0.53')).toBe('');
    expect(names.search('AMAZON')).toEqual(['52.94.232.134']);
    expect(names.search('example')).toEqual(['93.184.216.34']);
    expect(names.search('  ')).toEqual([]);
  });

  it('keeps at most its bound, forgetting the oldest, and finds the newest first', () => {
    const names = new HostNames(2);
    names.learn('10.0.0.1', 'a.corp');
    names.learn('10.0.0.2', 'b.corp');
    names.learn('10.0.0.3', 'c.corp');
    expect(names.size).toBe(2);
    expect(names.nameOf('10.0.0.1')).toBe('');
    expect(names.search('corp')).toEqual(['10.0.0.3', '10.0.0.2']);
    expect(names.search('corp', 1)).toEqual(['10.0.0.3']);
  });

  it('reads whom a DHCP, NetBIOS or mDNS name belongs to (the announcing host), and that queries and services name nobody', () => {
    const udp = (client: string, cport: number, server: string, sport: number, l7: string, name: string) =>
      nameClaim({ client: { ip: client, port: cport }, server: { ip: server, port: sport }, l7, server_name: name });
    expect(udp('192.168.1.20', 68, '192.168.1.1', 67, 'DHCP', 'laptop')).toEqual({ ip: '192.168.1.20', name: 'laptop' });
    // The server's answer seen first: the client is still the port-68 side.
    expect(udp('192.168.1.1', 67, '192.168.1.20', 68, 'DHCP', 'laptop')).toEqual({ ip: '192.168.1.20', name: 'laptop' });
    expect(udp('0.0.0.0', 68, '255.255.255.255', 67, 'DHCP', 'laptop')).toBeNull();
    expect(udp('192.168.1.21', 138, '192.168.1.255', 138, 'NetBIOS.SMBv1', 'filesrv')).toEqual({ ip: '192.168.1.21', name: 'filesrv' });
    expect(udp('192.168.1.21', 137, '192.168.1.255', 137, 'NetBIOS', 'wpad')).toBeNull();
    expect(udp('192.168.1.22', 5353, '224.0.0.251', 5353, 'MDNS', 'ipad.local')).toEqual({ ip: '192.168.1.22', name: 'ipad.local' });
    expect(udp('192.168.1.22', 5353, '224.0.0.251', 5353, 'MDNS', '_googlecast._tcp.local')).toBeNull();
    expect(udp('192.168.1.22', 5353, '224.0.0.251', 5353, 'MDNS', 'Office Printer._ipp._tcp.local')).toBeNull();
    expect(udp('192.168.1.22', 5353, '224.0.0.251', 5353, 'MDNS', '22.1.168.192.in-addr.arpa')).toBeNull();
    expect(udp('10.0.0.9', 40000, '10.0.0.53', 53, 'Unknown', 'x.example')).toBeNull();
  });

  it('asks onMiss for an unnamed address, and a reverse DNS name never replaces one seen on the wire', () => {
    const names = new HostNames();
    const missed: string[] = [];
    names.onMiss = (ip) => missed.push(ip);
    names.learn('10.0.0.1', 'sni.example');
    expect(names.nameOf('10.0.0.1')).toBe('sni.example');
    expect(names.nameOf('10.0.0.2')).toBe('');
    expect(missed).toEqual(['10.0.0.2']);
    names.learnIfUnknown('10.0.0.1', 'ptr.example');
    names.learnIfUnknown('10.0.0.2', 'ptr2.example');
    expect([names.nameOf('10.0.0.1'), names.nameOf('10.0.0.2')]).toEqual(['sni.example', 'ptr2.example']);
  });
});
