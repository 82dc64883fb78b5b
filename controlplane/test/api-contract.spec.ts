import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { InterfaceHandle, PcapWriter, startDataplane } from '@flowprobe/dataplane';
import type Redis from 'ioredis';
import { startControlPlane, ControlPlane } from '../src';
import type { ApiError, HostDetail } from '../src/api';
import { dropPrefix, ready, testPrefix, testRedis } from './siem-redis';

/** A UDP frame src -> 10.9.9.9:53 (Ethernet, IPv4). */
function udpFrame(src: number[]): Uint8Array {
  const frame = new Uint8Array(60);
  const v = new DataView(frame.buffer);
  frame.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  frame.set([0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0, ...src, 10, 9, 9, 9], 14);
  v.setUint16(34, 40000);
  v.setUint16(36, 53);
  v.setUint16(38, 26);
  return frame;
}

/** Seconds between the capture's two hosts. */
const HOST_2_AFTER_S = 8;

/** OpenAPI tags in the order the portal shows the features, auth first. */
const TAG_ORDER = ['auth', 'interfaces', 'timeseries', 'hosts', 'flows', 'history', 'alerts', 'recipients', 'ipfix', 'settings', 'users', 'system', 'jobs', 'health', 'metrics'];

/**
 * What clients rely on beyond single routes: every error body carries a stable
 * `code`; the OpenAPI document is valid and complete; a `local_networks`
 * change reaches the running capture. One control plane; its interface is
 * started by the first test (as the appliance adds interfaces once the API
 * listens): a capture replayed in real time, host 192.168.1.1 at once,
 * 192.168.1.2 HOST_2_AFTER_S seconds later (room for a loaded machine to
 * start the readers and save the setting first).
 */
describe('API contract', () => {
  const prefix = testPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-contract-'));
  let redis: Redis;
  let dp: InterfaceHandle | undefined;
  const dataplanes: InterfaceHandle[] = [];
  const file = join(dir, 'two-hosts.pcap');
  let cp: ControlPlane;
  let cookie: string;

  async function call(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; body: any }> {
    const res = await fetch(`${cp.url}${path}`, {
      method,
      headers: { ...(auth ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    redis = testRedis();
    await ready(redis);
    const w = new PcapWriter(file);
    w.writePacket(1_767_571_200, udpFrame([192, 168, 1, 1]), 0, 60);
    w.writePacket(1_767_571_200 + HOST_2_AFTER_S, udpFrame([192, 168, 1, 2]), 0, 60);
    w.close();
    cp = await startControlPlane(
      {
        http: { port: 0, host: '127.0.0.1' },
        redis: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix },
        database: { path: join(dir, 'flowprobe.db') },
        localNetworks: [],
        auth: { initialAdminPassword: 'initial-admin-1' },
        schedule: false,
      },
      dataplanes,
      false,
    );
    const res = await fetch(`${cp.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'initial-admin-1' }),
    });
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    await call('POST', '/api/v1/users/me/password', { current_password: 'initial-admin-1', new_password: 'admin-password-2' });
  });

  afterAll(async () => {
    await cp?.close();
    await dp?.stop();
    await dropPrefix(redis, prefix);
    redis?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a local_networks change reaches the running workers (hosts first seen after it)', async () => {
    dp = await startDataplane({ name: 'replay', source: { kind: 'pcap', path: file, speed: 'realtime' }, workers: 1, dpi: false, localNetworks: [] });
    dataplanes.push(dp);
    const put = await call('PUT', '/api/v1/settings', { local_networks: ['192.168.0.0/16'] });
    expect(put.status).toBe(200);
    // The setting is saved before the host's first packet (else the test proves nothing).
    expect((await call('GET', '/api/v1/hosts/192.168.1.2')).status).toBe(404);
    await dp.whenFinished();
    const host = await call('GET', '/api/v1/hosts/192.168.1.2');
    expect(host.status).toBe(200);
    expect((host.body as HostDetail).is_local).toBe(true);
    expect(((await call('GET', '/api/v1/hosts/10.9.9.9')).body as HostDetail).is_local).toBe(false);
  });

  it.each([
    ['GET', '/api/v1/interfaces/7', 404, 'NOT_FOUND'],
    ['GET', '/api/v1/flows?l4=bogus', 400, 'QUERY_BAD_VALUE'],
    ['GET', '/api/v1/flows?limit=5000', 400, 'VALIDATION_FAILED'],
    ['GET', '/api/v1/hosts/not-an-ip', 400, 'VALIDATION_FAILED'],
  ])('%s %s: %i with code %s in the body', async (method, path, status, code) => {
    const res = await call(method, path);
    expect(res.status).toBe(status);
    const body = res.body as ApiError;
    expect(body).toMatchObject({ statusCode: status, code });
    expect(body.message).toBeTruthy();
  });

  it('an unauthenticated request: 401 with code UNAUTHORIZED', async () => {
    const res = await call('GET', '/api/v1/interfaces', undefined, false);
    expect(res).toMatchObject({ status: 401, body: { statusCode: 401, code: 'UNAUTHORIZED' } });
  });

  it('/metrics passes `promtool check metrics` (Prometheus naming and types)', async () => {
    const res = await fetch(`${cp.url}/metrics`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, problems: `${check.stdout}${check.stderr}`.trim() }).toEqual({ status: 0, problems: '' });
    // The operational series: engaged alerts by severity (none here), table fill, SIEM queues, bytes per application.
    for (const severity of ['info', 'notice', 'warning', 'error', 'critical', 'emergency']) expect(text).toContain(`flowprobe_alerts_engaged{severity="${severity}"} 0`);
    const fill = Number(/flowprobe_interface_flow_table_fill_ratio\{interface="replay"\} (\S+)/.exec(text)?.[1]);
    expect(fill).toBeGreaterThan(0); // two flows in the tables
    expect(fill).toBeLessThan(0.01);
    expect(text).toMatch(/flowprobe_interface_host_table_fill_ratio\{interface="replay"\} [0-9.e-]+/);
    for (const [name, type] of [['flowprobe_siem_queue_depth', 'gauge'], ['flowprobe_siem_delivered_total', 'counter'], ['flowprobe_siem_failed_total', 'counter'], ['flowprobe_application_bytes_total', 'counter']]) {
      expect(text).toContain(`# TYPE ${name} ${type}`);
    }
  });

  describe('OpenAPI document', () => {
    let doc: any;
    beforeAll(async () => {
      doc = (await call('GET', '/api/docs/openapi.json')).body;
    });

    it('validates against the OpenAPI 3 schema (swagger-parser)', async () => {
      await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    });

    /** Every operation as `METHOD path`, with what it lacks. */
    function problems(): string[] {
      const out: string[] = [];
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        for (const [method, op] of Object.entries<any>(item)) {
          if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
          const name = `${method.toUpperCase()} ${path}`;
          if (!op.summary) out.push(`${name}: no summary`);
          if (!op.tags?.length) out.push(`${name}: no tag`);
          const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
          for (const p of inPath) if (!declared.includes(p)) out.push(`${name}: path parameter ${p} not declared`);
          const ok = Object.entries<any>(op.responses ?? {}).filter(([status]) => /^2/.test(status));
          if (ok.length === 0) out.push(`${name}: no 2xx response`);
          for (const [status, r] of ok) {
            if (status === '204') continue;
            const media = r.content && Object.values<any>(r.content)[0];
            if (!media?.schema) out.push(`${name}: ${status} without a schema`);
          }
        }
      }
      return out;
    }

    /** Schemas (and inline parameter schemas) whose number fields hold counts, ids or ports but are typed `number`. */
    function untypedIntegers(): string[] {
      const out: string[] = [];
      const integerish = /^(id|ifid|port|vlan|limit|offset|count|total|packets|drops|num_.*|.*_count|.*_packets|queue|worker|status_?code|statusCode)$/;
      const walk = (where: string, schema: any, name = ''): void => {
        if (!schema || typeof schema !== 'object') return;
        if (schema.type === 'number' && integerish.test(name)) out.push(`${where}.${name}`);
        for (const [k, v] of Object.entries<any>(schema.properties ?? {})) walk(where, v, k);
        if (schema.items) walk(where, schema.items, name);
      };
      for (const [n, s] of Object.entries<any>(doc.components?.schemas ?? {})) walk(n, s);
      for (const [path, item] of Object.entries<any>(doc.paths)) {
        for (const [method, op] of Object.entries<any>(item)) for (const p of op.parameters ?? []) walk(`${method.toUpperCase()} ${path}`, p.schema, p.name);
      }
      return out;
    }

    it('gives every operation a summary, a tag, its path parameters and a schema for each 2xx answer', () => {
      expect(problems()).toEqual([]);
    });

    it('types counts, ids, ports and pages as integers', () => {
      expect(untypedIntegers()).toEqual([]);
    });

    it('lists the tags in the order of the portal, with auth first', () => {
      expect(doc.tags?.map((t: any) => t.name)).toEqual(TAG_ORDER);
    });
  });
});
