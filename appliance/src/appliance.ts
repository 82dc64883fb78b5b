/**
 * The appliance itself (`flowprobe run`): control plane + one dataplane per
 * source in this process. Loaded by the run command's action only, so the
 * other commands (`analyze`) never load NestJS, TypeORM or zod.
 */
import {
  createJsonLogger,
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
  type LoggerService,
  type ProbeDataplane,
} from '@flowprobe/controlplane';
import { startDataplane, type DataplaneOptions, type InterfaceHandle, type SourceSpec } from '@flowprobe/dataplane';
import { BootConfig, demoBootConfig, loadBootConfig, sourceName } from './boot-config';
import { ensureDemoCapture } from './demo/demo-capture';
import { FailedSource } from './failed-source';
import { DEMO_LOCAL_NETWORKS } from './demo/demo-clients';

/** A running appliance: capture + control plane in this process. */
export interface Appliance {
  config: BootConfig;
  /** Running sources (those that failed to start are not here). */
  dataplanes: InterfaceHandle[];
  /** Configured sources that could not start: listed as interfaces with their error. */
  failedSources: FailedSource[];
  controlPlane: ControlPlane;
  /** Stops the API first (no request sees a stopped capture), then the capture workers. */
  stop(): Promise<void>;
}

function toSourceSpec(source: BootConfig['sources'][number]): SourceSpec {
  if (source.type === 'pcap') {
    return { kind: 'pcap', path: source.path, loop: source.loop, speed: source.speed, shiftToNow: source.shift_to_now };
  }
  return { kind: 'dpdk', eal: source.eal, port: source.port, queues: source.queues, snaplen: source.snaplen };
}

function sourceDescription(s: BootConfig['sources'][number]): string {
  return s.type === 'pcap' ? `pcap ${s.path}${s.loop ? ' (loop)' : ''}, ${s.speed}` : `dpdk port ${s.port}, ${s.queues} queue(s)`;
}

/** Control-plane options from a validated boot config. */
export function controlPlaneOptions(config: BootConfig, overrides: Partial<ControlPlaneOptions> = {}): ControlPlaneOptions {
  return {
    http: { port: config.http.port, host: config.http.host },
    redis: { url: config.redis.url, keyPrefix: config.redis.key_prefix },
    database: { path: config.database.path },
    liveIntervalMs: config.redis.publish_interval_ms,
    redisMaxHosts: config.redis.max_hosts,
    localNetworks: config.local_networks,
    history: {
      backend: config.history.backend,
      path: config.history.path!,
      maxAgeDays: config.history.max_age_days,
      diskBudgetBytes: config.history.disk_budget_mb * 1024 * 1024,
      memoryBytes: config.history.memory_mb * 1024 * 1024,
      ...(config.history.backend === 'clickhouse'
        ? {
            clickhouse: {
              urls: config.history.clickhouse.urls,
              database: config.history.clickhouse.database,
              username: config.history.clickhouse.username,
              password: config.history.clickhouse.password,
              ...(config.history.clickhouse.cluster ? { cluster: config.history.clickhouse.cluster } : {}),
              ...(config.history.clickhouse.buffer_path ? { bufferPath: config.history.clickhouse.buffer_path } : {}),
              bufferMaxBytes: config.history.clickhouse.buffer_max_mb * 1024 * 1024,
            },
          }
        : {}),
    },
    portalDir: config.portal.path,
    names: {
      geoip: {
        ...(config.names.geoip.country_db ? { countryDb: config.names.geoip.country_db } : {}),
        ...(config.names.geoip.asn_db ? { asnDb: config.names.geoip.asn_db } : {}),
      },
      reverseDns: {
        enabled: config.names.reverse_dns.enabled,
        servers: config.names.reverse_dns.servers,
        perSecond: config.names.reverse_dns.per_second,
        cacheSize: config.names.reverse_dns.cache_size,
        ttlS: config.names.reverse_dns.ttl_s,
      },
    },
    auth: {
      initialAdminPassword: config.admin_password,
      sessionTtlHours: config.auth.session_ttl_hours,
      loginAttemptsPerMinute: config.auth.login_attempts_per_minute,
      secureCookie: config.http.secure_cookie || config.tls.enabled,
      requireSetup: config.auth.require_setup,
    },
    ...(config.tls.enabled
      ? { tls: { dir: config.tls.dir, ...(config.tls.redirect_port !== undefined ? { redirectPort: config.tls.redirect_port } : {}) } }
      : {}),
    sources: config.sources.map((s) => ({
      name: sourceName(s),
      kind: s.type,
      description: sourceDescription(s),
    })),
    powerControl: config.system.power_control,
    ...overrides,
  };
}

/**
 * Starts the appliance as DESIGN.md describes: the NestJS control plane (it
 * opens SQLite, so the `local_networks` setting can override the boot
 * config), then one dataplane per source (startDataplane), whose worker threads capture while
 * its offline reader threads answer the queries and run the periodic pass, and
 * the main thread serves the API and runs the jobs.
 */
export async function startAppliance(
  config: BootConfig,
  overrides: Partial<ControlPlaneOptions> = {},
  logger: LoggerService | false = createJsonLogger(),
): Promise<Appliance> {
  // Filled below: the control plane reads `interfaces`, so they appear as their capture starts.
  const dataplanes: InterfaceHandle[] = [];
  const interfaces: ProbeDataplane[] = [];
  const failedSources: FailedSource[] = [];
  const controlPlane = await startControlPlane(controlPlaneOptions(config, overrides), interfaces, logger);
  const localNetworks = controlPlane.localNetworks();
  try {
    for (const source of config.sources) {
      const options: DataplaneOptions = {
        name: sourceName(source),
        source: toSourceSpec(source),
        workers: source.type === 'pcap' ? config.capture.workers : source.queues,
        flowCapacity: config.capture.flow_capacity,
        hostCapacity: config.capture.host_capacity,
        idleTimeoutS: config.capture.idle_timeout_s,
        activeTimeoutS: config.capture.active_timeout_s,
        probeId: config.probe.id,
        hostIdleTimeoutS: config.capture.host_idle_timeout_s,
        localNetworks,
        dpi: config.capture.dpi,
        workerRestarts: {
          max: config.capture.worker_restarts.max,
          windowS: config.capture.worker_restarts.window_s,
          backoffMs: config.capture.worker_restarts.backoff_ms,
          backoffMaxMs: config.capture.worker_restarts.backoff_max_ms,
        },
        ...testCrashWorker(),
      };
      try {
        const dp = await startDataplane(options);
        // Capture errors (a corrupt file; a worker crash and its restart: docs/reliability.md) reach the log as they happen.
        if (logger) dp.onCaptureError((e) => logger.error(`${dp.name} worker ${e.worker}: ${e.code}: ${e.message}${e.fatal ? ' (capture stopped)' : ''}`, 'Capture'));
        interfaces.push(dp);
        dataplanes.push(dp);
      } catch (err) {
        // One source that cannot start (a NIC missing or not bound) must not take the others, the API and the portal down.
        const failed = new FailedSource(options.name!, source.type === 'pcap' ? `pcap:${source.path}` : `dpdk:port${source.port}`, `cannot start: ${(err as Error).message}`);
        interfaces.push(failed);
        failedSources.push(failed);
        if (logger) logger.error(`capture source "${failed.name}" (${sourceDescription(source)}) ${failed.error}; the other sources, the API and the portal run`, 'Appliance');
      }
    }
  } catch (err) {
    await controlPlane.close();
    await Promise.all(dataplanes.map((dp) => dp.stop()));
    throw err;
  }
  return {
    config,
    dataplanes,
    failedSources,
    controlPlane,
    async stop() {
      await controlPlane.close();
      await Promise.all(dataplanes.map((dp) => dp.stop()));
    },
  };
}

/** The boot config `flowprobe run` uses: `--config FILE`, else the built-in demo (generated on first use). */
/**
 * Test only (appliance/src/worker-crash.spec.ts): `FLOWPROBE_TEST_CRASH_WORKER=<worker>:<ms>`
 * makes that worker of every interface crash once, `ms` after its start, through a genuine
 * exception (docs/reliability.md, *Worker crash*). Read from the environment of the process,
 * never from the config file or the API.
 */
function testCrashWorker(env: NodeJS.ProcessEnv = process.env): Pick<DataplaneOptions, 'testCrashWorker'> {
  const m = /^(\d+):(\d+)$/.exec(env.FLOWPROBE_TEST_CRASH_WORKER ?? '');
  return m ? { testCrashWorker: { worker: Number(m[1]), afterMs: Number(m[2]) } } : {};
}

export function resolveRunConfig(configFile: string | undefined, env: NodeJS.ProcessEnv = process.env): BootConfig {
  if (configFile) return loadBootConfig(configFile, env);
  return demoBootConfig(ensureDemoCapture(), DEMO_LOCAL_NETWORKS, env);
}
