import { execFile } from 'node:child_process';
import { readFile, statfs } from 'node:fs/promises';
import { uptime } from 'node:os';
import { promisify } from 'node:util';
import { Injectable } from '@nestjs/common';
import type { ApplianceNetwork, NtpStatus } from '../api';
import { parseChronyTracking, parseDefaultRoutes, parseIpAddr, parseResolvConf } from './appliance-os';

const execFileAsync = promisify(execFile);

/** A status tool that hangs (chronyd gone, D-Bus stuck) does not hold the request longer, ms. */
const TOOL_TIMEOUT_MS = 5000;
/**
 * `systemctl reboot` asks logind over D-Bus, which asks polkit (started on
 * demand): seconds on a slow or emulated CPU (over 5 s seen under qemu TCG).
 */
const POWER_TIMEOUT_MS = 60_000;

/** resolv.conf files in the order they are read: systemd-resolved's upstream list first (the other one names its stub). */
const RESOLV_CONF = ['/run/systemd/resolve/resolv.conf', '/etc/resolv.conf'];

/** What a failed tool run says, short. */
function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  if (e.code === 'ENOENT') return `${e.path ?? 'tool'} is not installed`;
  return (e.stderr?.trim() || e.message).split('\n')[0].slice(0, 300);
}

/**
 * The OS as the unprivileged `flowprobe` user sees it: `ip`, resolv.conf,
 * `chronyc`, statfs, and `systemctl` for reboot/poweroff (allowed by the
 * image's polkit rule, see docs/appliance.md "What the OS provides").
 */
@Injectable()
export class ApplianceOsRepository {
  private async run(file: string, args: string[], timeout = TOOL_TIMEOUT_MS): Promise<string> {
    const { stdout } = await execFileAsync(file, args, { timeout, maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  }

  async network(): Promise<ApplianceNetwork> {
    const empty: ApplianceNetwork = { available: false, interfaces: [], gateways: [], dns: [], dns_source: null };
    let interfaces: ApplianceNetwork['interfaces'];
    let gateways: ApplianceNetwork['gateways'];
    try {
      interfaces = parseIpAddr(await this.run('ip', ['-j', 'addr', 'show']));
      gateways = [...parseDefaultRoutes(await this.run('ip', ['-j', '-4', 'route', 'show', 'default'])), ...parseDefaultRoutes(await this.run('ip', ['-j', '-6', 'route', 'show', 'default']))];
    } catch (err) {
      return { ...empty, reason: reasonOf(err) };
    }
    for (const file of RESOLV_CONF) {
      try {
        return { available: true, interfaces, gateways, dns: parseResolvConf(await readFile(file, 'utf8')), dns_source: file };
      } catch {
        // Next file.
      }
    }
    return { available: true, interfaces, gateways, dns: [], dns_source: null };
  }

  async ntp(): Promise<NtpStatus> {
    try {
      return parseChronyTracking(await this.run('chronyc', ['-c', '-n', 'tracking']));
    } catch (err) {
      return { available: false, reason: reasonOf(err) };
    }
  }

  async disk(path: string): Promise<{ total: number; free: number; used: number }> {
    const fs = await statfs(path);
    const total = fs.blocks * fs.bsize;
    // `free` is what an unprivileged writer can still use; `used` counts the root-reserved blocks as not used.
    return { total, free: fs.bavail * fs.bsize, used: (fs.blocks - fs.bfree) * fs.bsize };
  }

  osUptimeS(): number {
    return Math.round(uptime());
  }

  /** `systemctl reboot|poweroff`; rejects with the reason when the OS refuses (polkit) or systemctl is missing. */
  async power(action: 'reboot' | 'poweroff'): Promise<void> {
    try {
      await this.run('systemctl', [action], POWER_TIMEOUT_MS);
    } catch (err) {
      throw new Error(reasonOf(err));
    }
  }
}
