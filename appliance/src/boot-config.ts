import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { openGeoDatabase } from '@flowprobe/controlplane';

export { DEFAULT_CONFIG_PATH } from './config-path';

const cidr = z.string().refine(isCidr, { message: 'must be a CIDR such as 192.168.0.0/16 or fd00::/8' });

const pcapSource = z.strictObject({
  name: z.string().min(1).max(32).optional(),
  type: z.literal('pcap'),
  /** Relative paths are resolved against the config file's folder. */
  path: z.string().min(1),
  loop: z.boolean().default(false),
  speed: z.enum(['realtime', 'max']).default('realtime'),
  shift_to_now: z.boolean().default(false),
});

const dpdkSource = z.strictObject({
  name: z.string().min(1).max(32).optional(),
  type: z.literal('dpdk'),
  /** EAL arguments, e.g. ['-a', '0000:03:00.0', '-l', '0-3']. */
  eal: z.array(z.string()).min(1),
  port: z.number().int().min(0).max(1023),
  queues: z.number().int().min(1).max(64).default(1),
  snaplen: z.number().int().min(64).max(65535).default(65535),
});

/** A DNS server for reverse lookups: `1.2.3.4`, `1.2.3.4:5353`, `2001:db8::1` or `[2001:db8::1]:5353`. */
const resolverAddress = z.string().refine(isResolverAddress, { message: 'must be an IP address, IPv4:port or [IPv6]:port' });

/** The boot config file (YAML), snake_case keys. See appliance/etc/flowprobe.yaml. */
export const bootConfigSchema = z.strictObject({
  sources: z.array(z.discriminatedUnion('type', [pcapSource, dpdkSource])).min(1),
  http: z
    .strictObject({
      port: z.number().int().min(0).max(65535).default(3000),
      host: z.string().min(1).default('0.0.0.0'),
      /** Mark the session cookie Secure (set when a TLS proxy fronts the appliance; always on with tls.enabled). */
      secure_cookie: z.boolean().default(false),
    })
    .prefault({}),
  /** HTTPS for the portal and API on `http.port` (443 on the appliance). */
  tls: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** cert.pem, key.pem (0600) and fingerprint; a self-signed certificate is generated here when none exists. */
      dir: z.string().min(1).default('/var/lib/flowprobe/tls'),
      /** Plain HTTP port that only redirects to https (80 on the appliance); absent = none. */
      redirect_port: z.number().int().min(0).max(65535).optional(),
    })
    .prefault({}),
  redis: z
    .strictObject({
      url: z.string().regex(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' }).default('redis://127.0.0.1:6379'),
      /**
       * Prefix of every key and pub/sub channel. Default: `flowprobe:<probe.id>:`, or without probe.id
       * `flowprobe:<host name>-<6 hex digits of the database path>:`, so probes (and several instances on
       * one host) sharing a Redis never see each other's live data. "" = no prefix.
       */
      key_prefix: z.string().max(96).optional(),
      /** Live publication period; the live_interval_ms setting overrides it at run time. */
      publish_interval_ms: z.number().int().min(250).max(10000).default(1000),
      /** Hosts in hosts:bandwidth and host:* hashes (top by bytes). */
      max_hosts: z.number().int().min(1).max(1_000_000).default(1000),
    })
    .prefault({}),
  database: z
    .strictObject({
      path: z.string().min(1).default('/var/lib/flowprobe/flowprobe.db'),
    })
    .prefault({}),
  local_networks: z.array(cidr).default([]),
  history: z
    .strictObject({
      /** 'duckdb': embedded store on the data partition; 'clickhouse': ClickHouse servers shared by a fleet; 'none': no flow history. */
      backend: z.enum(['duckdb', 'clickhouse', 'none']).default('duckdb'),
      /** Folder of the day files; default: `history/` beside the database. */
      path: z.string().min(1).optional(),
      max_age_days: z.number().int().min(1).max(3650).default(30),
      /** Disk the day files may use, MiB; past it the oldest days are dropped first. */
      disk_budget_mb: z.number().int().min(1).max(16_777_216).default(10240),
      /** backend 'duckdb': DuckDB's memory limit, MiB (its buffer pool caches the day files' blocks up to it; DuckDB's own default is 80 % of RAM). */
      memory_mb: z.number().int().min(64).max(1_048_576).default(512),
      /** backend 'clickhouse' (docs/history.md). */
      clickhouse: z
        .strictObject({
          /** One or more servers' HTTP interface, e.g. http://10.0.0.5:8123: writes and reads go to the first that answers, schema and retention to every one. */
          urls: z
            .array(z.string().refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), { message: 'must be an http:// or https:// URL' }))
            .min(1)
            .max(64)
            .default(['http://127.0.0.1:8123']),
          database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'letters, digits and _ (a plain ClickHouse name)' }).default('flowprobe'),
          username: z.string().min(1).max(128).default('default'),
          password: z.string().max(1024).default(''),
          /** Cluster name of the servers' remote_servers: flows and rollups become Distributed tables over it. */
          cluster: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'letters, digits and _ (a plain ClickHouse name)' }).optional(),
          /** On-disk buffer while no server answers; default `clickhouse-buffer/` in history.path. */
          buffer_path: z.string().min(1).optional(),
          /** Bound of that buffer, MiB: records that do not fit are dropped, counted and alerted. */
          buffer_max_mb: z.number().int().min(1).max(1_048_576).default(1024),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Names and places of addresses besides the traffic's own (docs/portal.md, Names). */
  names: z
    .strictObject({
      /** MaxMind DB files (.mmdb: GeoLite2, GeoIP2 or DB-IP), checked when the config is loaded; relative paths against the config's folder. */
      geoip: z
        .strictObject({
          /** Country or City database (GeoLite2-Country, GeoLite2-City, DB-IP Country/City Lite). */
          country_db: z.string().min(1).optional(),
          /** ASN database (GeoLite2-ASN, DB-IP ASN Lite). */
          asn_db: z.string().min(1).optional(),
        })
        .prefault({}),
      /** PTR lookups of addresses no traffic named. Off by default: the lookups leave the probe. */
      reverse_dns: z
        .strictObject({
          enabled: z.boolean().default(false),
          /** Resolvers; empty = the system's (/etc/resolv.conf). */
          servers: z.array(resolverAddress).max(8).default([]),
          /** Lookups started per second at most (more wait for the next time the address is shown). */
          per_second: z.number().int().min(1).max(1000).default(10),
          /** Answers remembered (names and "no name"), least recently asked forgotten first. */
          cache_size: z.number().int().min(100).max(1_000_000).default(10000),
          /** Seconds an answer is kept before it is asked again. */
          ttl_s: z.number().int().min(60).max(604800).default(3600),
        })
        .prefault({}),
    })
    .prefault({}),
  probe: z
    .strictObject({
      /** Stamped on every flow record, Redis key and history row; default: the host name. */
      id: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'letters, digits, . _ - (at most 63), starting with a letter or digit' })
        .optional(),
    })
    .prefault({}),
  capture: z
    .strictObject({
      /** Worker threads per pcap source (DPDK sources use their queues). Default: cores. */
      workers: z.number().int().min(1).max(64).optional(),
      flow_capacity: z.number().int().min(1024).max(16_777_216).default(262144),
      host_capacity: z.number().int().min(1024).max(16_777_216).default(65536),
      /** Flow idle timeout in packet time, s; 0 = never expire (offline analysis of a file). */
      idle_timeout_s: z.number().int().min(0).max(86400).default(120),
      host_idle_timeout_s: z.number().int().min(0).max(86400).default(300),
      /** A running flow gets an interim flow record (deltas) each this many seconds; 0 = only when it ends. */
      active_timeout_s: z.number().int().min(0).max(86400).default(60),
      dpi: z.boolean().default(true),
      /** A crashed capture worker: restarts with backoff, bounded per window (docs/reliability.md, *Worker crash*). */
      worker_restarts: z
        .strictObject({
          /** More crashes of one worker within window_s stop the interface (flagged) instead of restarting it. */
          max: z.number().int().min(0).max(1000).default(5),
          window_s: z.number().int().min(1).max(86400).default(600),
          /** First restart after this long, doubling with each crash in the window, at most backoff_max_ms. */
          backoff_ms: z.number().int().min(0).max(600_000).default(250),
          backoff_max_ms: z.number().int().min(0).max(3_600_000).default(30_000),
        })
        .prefault({}),
    })
    .prefault({}),
  portal: z
    .strictObject({
      /** Built Angular portal (index.html inside); not served when the folder is missing. */
      path: z.string().min(1).optional(),
    })
    .prefault({}),
  /** The appliance's OS as the portal's System page shows and controls it. */
  system: z
    .strictObject({
      /**
       * Reboot and shutdown from the portal (admin), through `systemctl reboot` /
       * `systemctl poweroff` and the polkit rule the image installs. Off in
       * development: the API answers 503 "not available".
       */
      power_control: z.boolean().default(false),
    })
    .prefault({}),
  auth: z
    .strictObject({
      session_ttl_hours: z.number().min(0.1).max(24 * 30).default(12),
      login_attempts_per_minute: z.number().int().min(1).max(1000).default(10),
      /**
       * Appliance mode: no admin is created at start and no password works over
       * the network until `flowprobe admin-password` (the console setup) sets one.
       */
      require_setup: z.boolean().default(false),
    })
    .prefault({}),
});

/** A validated boot config, every default filled in, paths absolute. */
export type BootConfig = z.infer<typeof bootConfigSchema> & {
  /** FLOWPROBE_ADMIN_PASSWORD, read once here. */
  admin_password?: string;
  /** The file it came from, or 'built-in demo'. */
  origin: string;
};

/** The config file is unreadable or invalid; `problems` lists every bad key at once. */
export class BootConfigError extends Error {
  readonly code = 'FLOWPROBE_BAD_CONFIG';

  constructor(
    readonly origin: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${origin}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BootConfigError';
  }
}

/** True for an IP address, `IPv4:port` or `[IPv6]:port` (port 1..65535). */
export function isResolverAddress(value: string): boolean {
  if (isIP(value) !== 0) return true;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(value);
  if (!m) return false;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 && (m[1] !== undefined ? isIP(m[1]) === 6 : isIP(m[2]) === 4);
}

/** True for `a.b.c.d/n` (n ≤ 32) or `ipv6/n` (n ≤ 128). */
export function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (rest.length > 0 || family === 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function formatPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(root)';
}

/**
 * Validates a parsed config object; relative paths are resolved against
 * `baseDir`. Throws one {@link BootConfigError} naming every bad key.
 */
export function validateBootConfig(raw: unknown, origin: string, baseDir: string, env: NodeJS.ProcessEnv = {}): BootConfig {
  const result = bootConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key`).join('\n  - ');
      }
      return `${formatPath(issue.path)}: ${issue.message}`;
    });
    throw new BootConfigError(origin, problems);
  }
  const config = result.data;
  const resolve = (p: string): string => path.resolve(baseDir, p);
  for (const source of config.sources) if (source.type === 'pcap') source.path = resolve(source.path);
  config.database.path = resolve(config.database.path);
  config.history.path = config.history.path ? resolve(config.history.path) : path.join(path.dirname(config.database.path), 'history');
  config.redis.key_prefix ??= defaultKeyPrefix(config.probe.id, config.database.path);
  if (config.history.clickhouse.buffer_path) config.history.clickhouse.buffer_path = resolve(config.history.clickhouse.buffer_path);
  if (config.portal.path) config.portal.path = resolve(config.portal.path);
  const geoProblems: string[] = [];
  for (const [key, kind] of [['country_db', 'country'], ['asn_db', 'asn']] as const) {
    const file = config.names.geoip[key];
    if (!file) continue;
    config.names.geoip[key] = resolve(file);
    // The reader that will use the file checks it now: a bad file stops the start with its reason, not the first lookup.
    try {
      openGeoDatabase(config.names.geoip[key]!, kind);
    } catch (err) {
      geoProblems.push(`names.geoip.${key}: ${(err as Error).message}`);
    }
  }
  if (geoProblems.length > 0) throw new BootConfigError(origin, geoProblems);
  config.tls.dir = resolve(config.tls.dir);
  if (config.tls.enabled && config.tls.redirect_port !== undefined && config.tls.redirect_port === config.http.port && config.http.port !== 0) {
    throw new BootConfigError(origin, [`tls.redirect_port: must differ from http.port (${config.http.port})`]);
  }
  const names = config.sources.map((s) => sourceName(s));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new BootConfigError(origin, [`sources: two sources are named "${duplicate}" (set distinct names)`]);
  const adminPassword = env.FLOWPROBE_ADMIN_PASSWORD;
  return { ...config, origin, ...(adminPassword ? { admin_password: adminPassword } : {}) };
}

/**
 * The Redis key prefix when none is configured: the probe id, or the host name
 * and a hash of the database path (two instances on one host have two databases).
 */
export function defaultKeyPrefix(probeId: string | undefined, databasePath: string): string {
  if (probeId) return `flowprobe:${probeId}:`;
  const instance = createHash('sha256').update(databasePath).digest('hex').slice(0, 6);
  return `flowprobe:${os.hostname()}-${instance}:`;
}

/** The interface name of a source: its `name`, else the capture file name or `dpdk<port>`. */
export function sourceName(source: BootConfig['sources'][number]): string {
  return source.name ?? (source.type === 'pcap' ? path.basename(source.path) : `dpdk${source.port}`);
}

/** Reads, parses and validates a YAML boot config file (the only place config is read). */
export function loadBootConfig(file: string, env: NodeJS.ProcessEnv = process.env): BootConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BootConfigError(file, [`cannot read: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message : String(err);
    throw new BootConfigError(file, [`not valid YAML: ${detail}`]);
  }
  return validateBootConfig(raw, file, path.dirname(path.resolve(file)), env);
}

/**
 * The config `flowprobe run` uses without `--config` (and `make run`): the
 * demo capture replayed in a loop at real-time pace with timestamps shifted
 * to now, data under `$XDG_STATE_HOME/flowprobe` (or ~/.local/state/flowprobe),
 * the portal from this checkout when it is built.
 */
export function demoBootConfig(
  capturePath: string,
  localNetworks: string[],
  env: NodeJS.ProcessEnv = process.env,
): BootConfig {
  const stateDir = path.join(env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'flowprobe');
  return validateBootConfig(
    {
      sources: [{ name: 'demo', type: 'pcap', path: capturePath, loop: true, speed: 'realtime', shift_to_now: true }],
      http: { port: env.FLOWPROBE_HTTP_PORT ? Number(env.FLOWPROBE_HTTP_PORT) : 3000 },
      ...(env.REDIS_URL ? { redis: { url: env.REDIS_URL } } : {}),
      database: { path: path.join(stateDir, 'demo.db') },
      local_networks: localNetworks,
      // Replayed traffic: two workers are plenty and leave cores to the API.
      capture: { workers: 2 },
      portal: { path: path.resolve(__dirname, '..', '..', 'portal', 'dist', 'portal', 'browser') },
    },
    'built-in demo',
    process.cwd(),
    env,
  );
}
