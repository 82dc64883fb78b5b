/** System information and health (/api/v1/system, /healthz). */

/** GET /api/v1/system (any role). */
export interface SystemInfo {
  version: string;
  hostname: string;
  /** Process uptime, seconds. */
  uptime: number;
  node: string;
  cpu: { model: string; cores: number; load_avg: [number, number, number] };
  memory: { total: number; free: number; process_rss: number };
  /** The filesystem holding the database. */
  disk: { path: string; total: number; free: number };
  /** Capture sources from the boot config (read-only here). */
  sources: { name: string; kind: 'pcap' | 'dpdk'; description: string }[];
  redis: { connected: boolean; url: string };
}

/** GET /healthz (no auth). 200 for `ok` and `degraded`, 503 for `down`. */
export interface HealthResponse {
  status: 'ok' | 'degraded' | 'down';
  capture: 'running' | 'stopped';
  redis: 'up' | 'down';
  database: 'up' | 'down';
  /** Parts running disabled because their stored configuration is unusable (e.g. a SIEM recipient), with the reason. */
  problems: { component: string; reason: string }[];
}

// ---------------------------------------------------------------- HTTPS certificate

/** The certificate the HTTPS server presents (never its key). Times ISO 8601. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  subject_alt_names: string[];
  valid_from: string;
  valid_to: string;
  expired: boolean;
  /** SHA-256 of the DER certificate, `AB:CD:...` (as the console and `openssl x509 -fingerprint -sha256` show it). */
  fingerprint_sha256: string;
  self_signed: boolean;
  /** Certificates in the served chain (leaf + intermediates). */
  chain_length: number;
}

/** GET /api/v1/system/tls: HTTPS state; `certificate` is absent when TLS is off. */
export interface TlsInfo {
  enabled: boolean;
  certificate?: CertificateInfo;
}

/** PUT /api/v1/system/tls (admin): a certificate chain (leaf first) and its unencrypted private key, PEM. */
export interface TlsUploadRequest {
  certificate: string;
  private_key: string;
}

// ---------------------------------------------------------------- appliance (System page)

/** The management network as the OS reports it (`ip -j addr`, `ip -j route`, resolv.conf). */
export interface ApplianceNetwork {
  available: boolean;
  /** Why it is not available (a tool missing, …). */
  reason?: string;
  interfaces: {
    name: string;
    /** operstate: UP, DOWN, UNKNOWN… */
    state: string;
    mac: string | null;
    addresses: { address: string; prefix: number; family: 'ipv4' | 'ipv6'; dynamic: boolean; scope: string }[];
  }[];
  gateways: { address: string; interface: string | null }[];
  dns: string[];
  /** File the DNS servers came from. */
  dns_source: string | null;
}

/** NTP as chrony reports it (`chronyc -c tracking`); `available: false` with a reason elsewhere. */
export interface NtpStatus {
  available: boolean;
  reason?: string;
  synchronized?: boolean;
  /** Reference server name or address. */
  reference?: string | null;
  stratum?: number;
  reference_time?: string | null;
  /** Local clock vs NTP time, s. */
  system_offset_s?: number;
  last_offset_s?: number;
  root_delay_s?: number;
  root_dispersion_s?: number;
  update_interval_s?: number;
  leap_status?: string;
}

/** GET /api/v1/system/appliance: what the System page shows of the box. */
export interface ApplianceStatus {
  version: string;
  hostname: string;
  /** OS uptime, s. */
  os_uptime_s: number;
  network: ApplianceNetwork;
  ntp: NtpStatus;
  /** The data partition (database folder) and the root filesystem, bytes. */
  disks: { role: 'data' | 'root'; path: string; total: number; free: number; used: number }[];
  /** Reboot/shutdown from the API are possible (`system.power_control`). */
  power_control: boolean;
}

/** POST /api/v1/system/reboot | shutdown (admin): 202 when the OS accepted it. */
export interface PowerActionResponse {
  action: 'reboot' | 'shutdown';
  accepted: true;
}

// ---------------------------------------------------------------- upgrades (System page)

/**
 * GET /api/v1/system/upgrade: the A/B update state kept on the data partition
 * (docs/upgrades.md). `state`:
 * - `none`: no upgrade yet;
 * - `queued`: a checked bundle waits for the installer, `installing`: it writes the inactive slot;
 * - `installed`: written, reboot to run it; `install-failed`: not written (`reason`);
 * - `upgraded`: the new version runs and was marked good;
 * - `failed` / `rolled-back`: the new version did not come up healthy and the
 *   appliance went back to the previous one by itself (`reason`).
 */
export interface UpgradeStatus {
  /** Updates possible here (the appliance image with rauc); else `reason`. */
  available: boolean;
  state: 'none' | 'queued' | 'installing' | 'installed' | 'install-failed' | 'upgraded' | 'failed' | 'rolled-back';
  /** The version running now. */
  running_version: string;
  /** The root slot booted (A or B), null outside the appliance. */
  booted_slot: string | null;
  /** The bundle's version (of the last upgrade). */
  version?: string;
  from_version?: string;
  /** Slot written by the last upgrade, and the one it replaced. */
  slot?: string;
  from_slot?: string;
  reason?: string;
  /** Time of the last change, ISO 8601. */
  at?: string;
  /** Largest bundle the API accepts, bytes. */
  max_bundle_bytes: number;
}

/** POST /api/v1/system/upgrade (admin, body: the .raucb bundle as application/octet-stream): 202 once checked and queued. */
export interface UpgradeAccepted {
  version: string;
  compatible: string;
  state: 'queued';
}
