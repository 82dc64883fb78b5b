import { BadRequestException, Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Settings } from '../api';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { HealthIssues } from '../health/health-issues';
import { UpdateSettingsDto } from './dto/settings.dto';
import { SettingsRepository } from './settings.repository';

type CheckSettings = Settings['checks'][string];

/** Default retention, days: minute points 3 days, 5-minute host points 2 weeks, hourly 90 days, daily 2 years, past alerts 90 days. */
export const DEFAULT_RETENTION = { minute_days: 3, five_minute_days: 14, hourly_days: 90, daily_days: 730, alerts_days: 90 };

/**
 * Settings stored in SQLite, cached in memory (jobs read them every second).
 * Defaults come from the boot config and from modules that register theirs
 * (the alerts module registers its checks with {@link registerCheckDefaults}).
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  private readonly logger = new Logger(SettingsService.name);
  private stored: Partial<Settings> = {};
  private checkDefaults: Settings['checks'] = {};
  private readonly listeners: ((settings: Settings, changed: (keyof Settings)[]) => void)[] = [];

  constructor(
    private readonly repository: SettingsRepository,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
    @Optional() private readonly health?: HealthIssues,
  ) {}

  /**
   * Loads the stored settings, each key checked by the validators of the API
   * that writes it: a key that is unreadable or invalid (an older version, a
   * hand edit) is left out, so its default applies, and flagged in /healthz
   * until it is saved again.
   */
  async onModuleInit(): Promise<void> {
    const { values, unreadable } = await this.repository.getAllChecked();
    const problems: Record<string, string> = { ...unreadable };
    for (const error of validateSync(plainToInstance(UpdateSettingsDto, values), { whitelist: true, forbidNonWhitelisted: true })) {
      problems[error.property] = Object.values(error.constraints ?? {}).join('; ') || 'invalid value';
    }
    for (const [key, reason] of Object.entries(problems)) {
      delete values[key];
      this.health?.set(`setting ${key}`, `${reason} (the default applies until it is saved again)`);
    }
    this.stored = values as Partial<Settings>;
  }

  /** The effective settings: stored values over defaults. */
  get(): Settings {
    const checks: Settings['checks'] = {};
    for (const [name, defaults] of Object.entries(this.checkDefaults)) checks[name] = { ...defaults, ...this.stored.checks?.[name] };
    for (const [name, stored] of Object.entries(this.stored.checks ?? {})) checks[name] ??= stored;
    return {
      local_networks: this.stored.local_networks ?? this.options.localNetworks,
      retention: { ...DEFAULT_RETENTION, ...this.stored.retention },
      live_interval_ms: this.stored.live_interval_ms ?? this.options.liveIntervalMs ?? 1000,
      siem_allowed_destinations: this.stored.siem_allowed_destinations ?? [],
      checks,
    };
  }

  /** Adds default settings for checks (called by the alerts module at init). */
  registerCheckDefaults(defaults: Settings['checks']): void {
    this.checkDefaults = { ...this.checkDefaults, ...defaults };
  }

  /** Called after every successful update with the new settings and the changed keys. */
  onChange(listener: (settings: Settings, changed: (keyof Settings)[]) => void): void {
    this.listeners.push(listener);
  }

  async update(dto: UpdateSettingsDto, nowS = Math.floor(Date.now() / 1000)): Promise<Settings> {
    const changes: Partial<Settings> = {};
    if (dto.local_networks !== undefined) changes.local_networks = dto.local_networks;
    if (dto.retention !== undefined) changes.retention = { ...dto.retention };
    if (dto.live_interval_ms !== undefined) changes.live_interval_ms = dto.live_interval_ms;
    if (dto.siem_allowed_destinations !== undefined) changes.siem_allowed_destinations = dto.siem_allowed_destinations;
    if (dto.checks !== undefined) changes.checks = this.mergeChecks(dto.checks);
    const keys = Object.keys(changes) as (keyof Settings)[];
    if (keys.length === 0) return this.get();
    await this.repository.upsert(changes, nowS);
    this.stored = { ...this.stored, ...changes };
    for (const key of keys) this.health?.clear(`setting ${key}`);
    const settings = this.get();
    this.logger.log(`Settings changed: ${keys.join(', ')}`);
    for (const listener of this.listeners) listener(settings, keys);
    return settings;
  }

  /** Validates each check's settings and merges them over the stored ones (a PUT may carry one check). */
  private mergeChecks(input: Record<string, unknown>): Settings['checks'] {
    const merged: Settings['checks'] = { ...this.stored.checks };
    const errors: string[] = [];
    for (const [name, value] of Object.entries(input)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`checks.${name} must be an object`);
        continue;
      }
      for (const [param, v] of Object.entries(value)) {
        if (!['number', 'boolean', 'string'].includes(typeof v)) errors.push(`checks.${name}.${param} must be a number, boolean or string`);
      }
      const enabled = (value as Record<string, unknown>).enabled;
      if (enabled !== undefined && typeof enabled !== 'boolean') errors.push(`checks.${name}.enabled must be a boolean`);
      const base: CheckSettings = merged[name] ?? this.checkDefaults[name] ?? { enabled: true };
      merged[name] = { ...base, ...(value as CheckSettings) };
    }
    if (errors.length > 0) throw new BadRequestException(errors);
    return merged;
  }
}
