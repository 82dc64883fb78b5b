import type { UpgradeStatus } from '../api';

/** `compatible` and the keyring `path` of rauc's system.conf (INI). */
export function parseSystemConf(text: string): { compatible?: string; keyring?: string } {
  const out: { compatible?: string; keyring?: string } = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (section === 'system' && key === 'compatible') out.compatible = value;
    if (section === 'keyring' && key === 'path') out.keyring = value;
  }
  return out;
}

/** compatible and version of `rauc info --output-format=json`; throws on anything else. */
export function parseRaucInfo(json: string): { compatible: string; version: string } {
  const v = JSON.parse(json) as { compatible?: unknown; version?: unknown };
  if (typeof v.compatible !== 'string' || typeof v.version !== 'string') throw new Error('rauc info gave no compatible string or version');
  return { compatible: v.compatible.slice(0, 128), version: v.version.slice(0, 64) };
}

const STATES = new Set<UpgradeStatus['state']>(['installing', 'installed', 'install-failed', 'upgraded', 'failed', 'rolled-back']);
const KEYS = ['version', 'from_version', 'slot', 'from_slot', 'reason', 'at'] as const;

/**
 * The root-written state file (`key=value` lines, /usr/libexec/flowprobe/upgrade-state):
 * known keys only, values bounded; an unknown state reads as none.
 */
export function parseUpgradeState(text: string): Partial<Pick<UpgradeStatus, 'state' | (typeof KEYS)[number]>> {
  const out: Partial<Pick<UpgradeStatus, 'state' | (typeof KEYS)[number]>> = {};
  for (const line of text.split('\n').slice(0, 32)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).slice(0, 500);
    if (key === 'state') {
      if (STATES.has(value as UpgradeStatus['state'])) out.state = value as UpgradeStatus['state'];
    } else if ((KEYS as readonly string[]).includes(key) && value !== '') {
      out[key as (typeof KEYS)[number]] = value;
    }
  }
  return out;
}
