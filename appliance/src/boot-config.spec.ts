import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BootConfigError, defaultKeyPrefix, demoBootConfig, isCidr, loadBootConfig, validateBootConfig } from './boot-config';

describe('boot config', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('loads the shipped appliance config with its values', () => {
    const config = loadBootConfig(path.join(__dirname, '..', 'etc', 'flowprobe.yaml'), {});
    expect(config.sources).toEqual([
      { name: 'eth1', type: 'dpdk', eal: ['-a', '0000:03:00.0', '-l', '0-3', '--proc-type', 'primary'], port: 0, queues: 2, snaplen: 65535 },
    ]);
    expect(config.http).toEqual({ port: 443, host: '0.0.0.0', secure_cookie: false });
    expect(config.tls).toEqual({ enabled: true, dir: '/var/lib/flowprobe/tls', redirect_port: 80 });
    expect(config.auth.require_setup).toBe(true);
    expect(config.system.power_control).toBe(true);
    expect(config.database.path).toBe('/var/lib/flowprobe/flowprobe.db');
    expect(config.local_networks).toContain('fd00::/8');
  });

  it('fills defaults and resolves relative paths against the file folder', () => {
    const file = write('minimal.yaml', 'sources:\n  - type: pcap\n    path: captures/a.pcap\ndatabase:\n  path: data/fp.db\n');
    const config = loadBootConfig(file, { FLOWPROBE_ADMIN_PASSWORD: 'from-env' });
    expect(config.sources[0]).toEqual({ type: 'pcap', path: path.join(dir, 'captures/a.pcap'), loop: false, speed: 'realtime', shift_to_now: false });
    expect(config.http.port).toBe(3000);
    // Keys and channels carry the instance: host name and a hash of the database path without probe.id.
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', key_prefix: defaultKeyPrefix(undefined, path.join(dir, 'data/fp.db')), publish_interval_ms: 1000, max_hosts: 1000 });
    expect(config.redis.key_prefix).toMatch(new RegExp(`^flowprobe:${os.hostname()}-[0-9a-f]{6}:$`));
    expect(defaultKeyPrefix(undefined, '/a/flowprobe.db')).not.toBe(defaultKeyPrefix(undefined, '/b/flowprobe.db'));
    expect(defaultKeyPrefix('probe-paris-1', '/a/flowprobe.db')).toBe('flowprobe:probe-paris-1:');
    expect(config.database.path).toBe(path.join(dir, 'data/fp.db'));
    expect(config.capture.idle_timeout_s).toBe(120);
    expect(config.capture.worker_restarts).toEqual({ max: 5, window_s: 600, backoff_ms: 250, backoff_max_ms: 30000 });
    expect(config.admin_password).toBe('from-env');
    // Development defaults: plain HTTP, the first admin created at start, no reboot from the API.
    expect(config.tls).toEqual({ enabled: false, dir: '/var/lib/flowprobe/tls' });
    expect(config.auth.require_setup).toBe(false);
    expect(config.system.power_control).toBe(false);
  });

  it('reports every bad key in one error', () => {
    const file = write(
      'bad.yaml',
      [
        'sources:',
        '  - type: pcap',
        '    path: a.pcap',
        '    speed: warp',
        '  - type: dpdk',
        '    port: -1',
        'http:',
        '    port: 70000',
        '    colour: blue',
        'redis:',
        '    url: http://nope',
        '    publish_interval_ms: 100',
        'local_networks: [10.0.0.0/33, not-a-net]',
        'unknown_section: 1',
      ].join('\n'),
    );
    let error: BootConfigError | undefined;
    try {
      loadBootConfig(file, {});
    } catch (err) {
      error = err as BootConfigError;
    }
    expect(error).toBeInstanceOf(BootConfigError);
    expect(error!.code).toBe('FLOWPROBE_BAD_CONFIG');
    const text = error!.problems.join('\n');
    for (const key of [
      'sources[0].speed',
      'sources[1].eal',
      'sources[1].port',
      'http.port',
      'http.colour: unknown key',
      'redis.url',
      'redis.publish_interval_ms',
      'local_networks[0]',
      'local_networks[1]',
      'unknown_section: unknown key',
    ]) {
      expect(text).toContain(key);
    }
    expect(error!.message).toContain(file);
  });

  it('rejects unreadable files, broken YAML, empty sources and duplicate names', () => {
    expect(() => loadBootConfig(path.join(dir, 'missing.yaml'), {})).toThrow(/cannot read/);
    expect(() => loadBootConfig(write('broken.yaml', 'sources: [\n'), {})).toThrow(/not valid YAML/);
    expect(() => validateBootConfig({ sources: [] }, 'x', dir)).toThrow(/sources/);
    expect(() => validateBootConfig({}, 'x', dir)).toThrow(/sources/);
    expect(() =>
      validateBootConfig({ sources: [{ type: 'pcap', path: '/a/x.pcap' }, { type: 'pcap', path: '/b/x.pcap' }] }, 'x', dir),
    ).toThrow(/two sources are named "x.pcap"/);
  });

  it('builds the demo config: looped real-time replay shifted to now', () => {
    const config = demoBootConfig('/cache/demo.pcap', ['192.168.1.0/24'], { XDG_STATE_HOME: '/state', REDIS_URL: 'redis://10.1.1.1:6380' });
    expect(config.sources).toEqual([{ name: 'demo', type: 'pcap', path: '/cache/demo.pcap', loop: true, speed: 'realtime', shift_to_now: true }]);
    expect(config.database.path).toBe('/state/flowprobe/demo.db');
    expect(config.redis.url).toBe('redis://10.1.1.1:6380');
    expect(config.local_networks).toEqual(['192.168.1.0/24']);
  });

  it('recognises CIDRs', () => {
    expect(['10.0.0.0/8', '0.0.0.0/0', 'fd00::/8', '2001:db8::/128'].every(isCidr)).toBe(true);
    expect(['10.0.0.0', '10.0.0.0/33', '::/129', 'x/8', '10.0.0.0/8/1', '10.0.0.0/-1'].some(isCidr)).toBe(false);
  });

  it('refuses a TLS redirect port equal to the HTTPS port', () => {
    expect(() => validateBootConfig({ sources: [{ type: 'pcap', path: 'a.pcap' }], http: { port: 443 }, tls: { enabled: true, redirect_port: 443 } }, 'test', '/')).toThrow(
      /tls\.redirect_port: must differ from http\.port \(443\)/,
    );
  });
});
