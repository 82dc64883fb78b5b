/**
 * Everything the control plane needs to run, built once by the appliance from
 * the validated boot config (`appliance/src/boot-config.ts`). Nothing in the
 * control plane reads `process.env` or files for configuration: it gets this.
 */
export interface ControlPlaneOptions {
  http: {
    /** TCP port of the API, the portal and the WebSocket. 0 = any free port (tests). */
    port: number;
    /** Listen address. Default '0.0.0.0'. */
    host?: string;
  };
  redis: {
    url: string;
    /** Prefix of every key and channel (tests use their own). Default ''. */
    keyPrefix?: string;
  };
  database: {
    /** SQLite file; its directory is created. The first-start admin password file goes beside it. */
    path: string;
  };
  /** Live publication period (Redis + WebSocket), 250..10000 ms. Default 1000. Overridden by the `live_interval_ms` setting. */
  liveIntervalMs?: number;
  /** Hosts published to Redis each period (top by bytes): the `hosts:bandwidth` set and `host:*` hashes. Default 1000. */
  redisMaxHosts?: number;
  /** Local networks from the boot config: the default of the `local_networks` setting. */
  localNetworks: string[];
  /** Built Angular portal folder served at `/` with SPA fallback, when it exists. */
  portalDir?: string;
  auth: {
    /** First-start admin password (FLOWPROBE_ADMIN_PASSWORD); random when absent. */
    initialAdminPassword?: string;
    /** Session cookie lifetime, hours. Default 12. */
    sessionTtlHours?: number;
    /** Login attempts allowed per client IP per minute. Default 10. */
    loginAttemptsPerMinute?: number;
    /** Mark the session cookie `Secure` (behind TLS). Default false; always on when `tls` is set. */
    secureCookie?: boolean;
    /**
     * Appliance mode: no admin is created at start, and login answers 403
     * "setup not complete" until `flowprobe admin-password` has set one. Default false.
     */
    requireSetup?: boolean;
  };
  /**
   * HTTPS on `http.port`. The certificate and key live in `dir` (a
   * self-signed pair is generated there when none exists) and can be
   * replaced from the API without a restart.
   */
  tls?: {
    dir: string;
    /** Plain-HTTP port that only redirects to https; absent = none. 0 = any free port (tests). */
    redirectPort?: number;
    /** Host name for the self-signed certificate's subject. Default: os.hostname(). */
    hostname?: string;
  };
  /** Reboot/shutdown from the API (`systemctl reboot|poweroff`, allowed by polkit on the appliance). Default false: 503. */
  powerControl?: boolean;
  /**
   * A/B updates (docs/upgrades.md): bundles are checked with `rauc info`
   * against `raucConfig`'s keyring and compatible string, then queued in
   * `<dir>/upload/` for the root installer; the state is read from
   * `<dir>/upgrade/state`. Defaults: /etc/rauc/system.conf (absent: updates
   * not available), the database's folder (the data partition), 1 GiB.
   */
  upgrade?: {
    raucConfig?: string;
    dir?: string;
    maxBundleBytes?: number;
  };
  /**
   * Flow history (docs/history.md). Absent or backend 'none': no history.
   * 'duckdb': day files in `path` (the data partition on the appliance);
   * 'clickhouse': one or more ClickHouse servers shared by a fleet of probes.
   */
  history?: {
    backend: 'duckdb' | 'clickhouse' | 'none';
    path: string;
    /** backend 'clickhouse' (docs/history.md). */
    clickhouse?: {
      /** Server URLs (http://host:8123); writes and reads go to the first that answers, schema and retention to all. */
      urls: string[];
      database: string;
      username?: string;
      password?: string;
      /** Cluster of the servers' `remote_servers`: `flows` and the rollups become Distributed tables over it. */
      cluster?: string;
      /** On-disk buffer while no server answers (default `<path>/clickhouse-buffer`), and its bound in bytes. */
      bufferPath?: string;
      bufferMaxBytes: number;
    };
    /** Days kept (whole UTC days). */
    maxAgeDays: number;
    /** Bytes the day files may use; past it the oldest days go first (never the current one). */
    diskBudgetBytes: number;
    /** DuckDB's memory limit, bytes (default 512 MiB): its buffer pool caches day-file blocks up to it. */
    memoryBytes?: number;
  };
  /** Names and places of addresses besides the traffic's own (docs/portal.md, Names). */
  names?: {
    /** MaxMind DB files (GeoLite2, GeoIP2, DB-IP .mmdb): country (or city) and ASN; either may be absent. */
    geoip?: { countryDb?: string; asnDb?: string };
    /** PTR lookups of addresses the traffic did not name: off unless enabled, bounded in rate and memory. */
    reverseDns?: ReverseDnsOptions;
  };
  /** Start the cron jobs (second/minute/... ). Tests turn it off and call job methods directly. Default true. */
  schedule?: boolean;
  /** Description of the capture sources for /api/v1/system. */
  sources?: { name: string; kind: 'pcap' | 'dpdk'; description: string }[];
}

/** Reverse DNS settings (`names.reverse_dns` in the boot config, `names/reverse-dns.ts`). */
export interface ReverseDnsOptions {
  /** Off by default: lookups leave the probe (to the configured or the system's resolvers). */
  enabled: boolean;
  /** Resolvers (`1.2.3.4`, `1.2.3.4:5353`, `[::1]:53`); empty = the system's (/etc/resolv.conf). */
  servers?: string[];
  /** Lookups started per second at most. Default 10. */
  perSecond?: number;
  /** Lookups in flight at once at most. Default 8. */
  maxInFlight?: number;
  /** Answers (names and "no name") remembered, least recently asked go first. Default 10 000. */
  cacheSize?: number;
  /** An answer is asked again after this many seconds. Default 3600. */
  ttlS?: number;
  /** Per-query timeout, ms. Default 2000. */
  timeoutMs?: number;
}

/** Injection token of {@link ControlPlaneOptions}. */
export const CONTROL_PLANE_OPTIONS = Symbol('CONTROL_PLANE_OPTIONS');
