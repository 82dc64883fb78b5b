import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';

/** A free TCP port on 127.0.0.1 (bound then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A shard of a test cluster: the native (TCP) port of one server. */
export interface ClickHouseShard {
  tcpPort: number;
}

/**
 * A private Debian `clickhouse-server` for tests and benchmarks: its own config, data and
 * logs in `dir`, ephemeral ports on 127.0.0.1, user `default` without a
 * password, and optionally a cluster `fleet` of `shards` (for Distributed
 * tables). Started in its own process group and stopped through it, never by
 * name; restartable on the same data (stop mid-run, start again).
 */
export class ClickHouseProcess {
  private child: ChildProcess | null = null;
  private exitHandler = () => this.killNow();

  private constructor(
    readonly dir: string,
    readonly httpPort: number,
    readonly tcpPort: number,
  ) {}

  /** Ports are taken now, so a cluster's servers can name each other before any starts. */
  static async create(dir: string): Promise<ClickHouseProcess> {
    fs.mkdirSync(dir, { recursive: true });
    return new ClickHouseProcess(dir, await freePort(), await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** Writes the config (with the cluster when `shards` are given) and starts the server; resolves when /ping answers. */
  async start(shards: ClickHouseShard[] = []): Promise<void> {
    const d = this.dir;
    const cluster = shards.length
      ? `<remote_servers><fleet>${shards.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcpPort}</port></replica></shard>`).join('')}</fleet></remote_servers>`
      : '';
    fs.writeFileSync(
      path.join(d, 'config.xml'),
      `<yandex>
  <logger><level>warning</level><log>${d}/server.log</log><errorlog>${d}/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${this.httpPort}</http_port>
  <tcp_port>${this.tcpPort}</tcp_port>
  <path>${d}/data/</path>
  <tmp_path>${d}/tmp/</tmp_path>
  <user_files_path>${d}/user_files/</user_files_path>
  <format_schema_path>${d}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  ${cluster}
</yandex>
`,
    );
    fs.writeFileSync(
      path.join(d, 'users.xml'),
      `<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`,
    );
    const child = spawn('clickhouse-server', [`--config-file=${path.join(d, 'config.xml')}`], { cwd: d, stdio: 'ignore', detached: true });
    this.child = child;
    process.once('exit', this.exitHandler);
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      if (child.exitCode !== null) throw new Error(`clickhouse-server exited with ${child.exitCode}: ${this.errorLog()}`);
      try {
        const res = await fetch(`${this.url}/ping`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.stop();
    throw new Error(`clickhouse-server on port ${this.httpPort} did not answer within 60 s: ${this.errorLog()}`);
  }

  private errorLog(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'error.log'), 'utf8').slice(-2000);
    } catch {
      return '(no error log)';
    }
  }

  /** Runs one statement over HTTP and returns the text answer (tests' direct aggregations). */
  async query(sql: string): Promise<string> {
    const res = await fetch(this.url, { method: 'POST', body: sql });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.slice(0, 500)}`);
    return text;
  }

  private killNow(): void {
    const child = this.child;
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  /** SIGTERM to the server's process group; SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    process.removeListener('exit', this.exitHandler);
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 20_000);
    await exited;
    clearTimeout(timer);
  }
}
