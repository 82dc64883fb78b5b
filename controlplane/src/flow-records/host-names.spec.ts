import { HostNames } from './host-names';

describe('HostNames', () => {
  it('learns names from DNS answers and from the SNI / Host of running flows, and finds addresses by part of a name', () => {
    const names = new HostNames();
    names.learnFromActive([
      // A DNS query names the address in its answer, not the resolver.
      { server: { ip: '10.0.0.53' }, server_name: 'www.example.org', l7: 'DNS', info: { dns_answer: '93.184.216.34' } },
      { server: { ip: '52.94.232.134' }, server_name: 'firs-ta-g7g.amazon.com', l7: 'TLS.Amazon' },
      { server: { ip: '10.0.0.53' }, server_name: 'no-answer.example', l7: 'DNS' },
      { server: { ip: '192.0.2.1' }, server_name: '', l7: 'HTTP' },
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
});
