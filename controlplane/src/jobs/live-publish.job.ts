import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { LiveService } from '../live/live.service';
import { SettingsService } from '../settings/settings.service';
import { JobRunner } from './job-runner';

/** Publishes the live state every `live_interval_ms` (250..10000 ms, a setting: re-armed when it changes). */
@Injectable()
export class LivePublishJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runner: JobRunner,
    private readonly live: LiveService,
    private readonly settings: SettingsService,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.schedule === false) return;
    this.arm(this.settings.get().live_interval_ms);
    this.settings.onChange((settings, changed) => {
      if (changed.includes('live_interval_ms')) this.arm(settings.live_interval_ms);
    });
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private arm(intervalMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.runner.run('live', () => this.live.publish()), intervalMs);
  }
}
