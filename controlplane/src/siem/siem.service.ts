import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { HealthIssues } from '../health/health-issues';
import { SettingsService } from '../settings/settings.service';
import { DestinationPolicy } from './destination-policy';
import { RedisService } from '../redis/redis.service';
import type { RecipientDto } from './dto/recipient.dto';
import { AlertEventV1 } from '../alerts/alert-event';
import { buildTestAlert } from './formats/test-alert';
import { toRecipientConfig, toRecipientView } from './recipient-mapping';
import { RecipientConfig, RecipientView } from './recipient.types';
import { recipientProblems } from './recipient-validation';
import { RecipientsRepository } from './recipients.repository';
import { SiemDispatcher } from './siem-dispatcher';

/**
 * SIEM forwarding in the app: recipients CRUD (SQLite), one durable Redis
 * queue and forwarder per recipient (SiemDispatcher), alert fan-out. Uses its
 * own Redis connection (same URL and key prefix as RedisService, no offline
 * queue) so consumer pipelines never wait behind live-state writes.
 */
@Injectable()
export class SiemService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SiemService.name);
  private readonly redis: Redis;
  readonly dispatcher: SiemDispatcher;
  private recipients: RecipientConfig[] = [];
  /** Stored recipients that cannot be used (found at start), with the reason: kept disabled until fixed or deleted. */
  private readonly invalid = new Map<string, string>();
  /** Loopback, link-local and cloud-metadata destinations are refused unless the `siem_allowed_destinations` setting lists them. */
  private readonly policy: DestinationPolicy;

  constructor(
    private readonly repository: RecipientsRepository,
    redisService: RedisService,
    private readonly health: HealthIssues,
    settings: SettingsService,
  ) {
    this.policy = new DestinationPolicy(() => settings.get().siem_allowed_destinations);
    this.redis = new Redis(redisService.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (n) => Math.min(n * 250, 2000),
      connectionName: 'flowprobe-siem',
    });
    this.redis.on('error', () => undefined);
    this.dispatcher = new SiemDispatcher(this.redis, {
      prefix: redisService.keyPrefix,
      log: (level, msg) => this.logger[level](msg),
      policy: this.policy,
    });
  }

  /**
   * Loads the stored recipients. One that cannot be used (corrupt row, URL
   * that does not parse, bad PEM: stored by an older version or edited by
   * hand) starts disabled and is flagged in /healthz; the others run.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      this.recipients = (await this.repository.all()).map(({ config, unreadable }) => {
        const problems = unreadable ? [unreadable] : recipientProblems(config, this.policy);
        if (problems.length === 0) return config;
        this.flagInvalid(config, problems.join('; '));
        return { ...config, enabled: false };
      });
      await this.dispatcher.setRecipients(this.recipients);
      this.logger.log(`${this.recipients.filter((r) => r.enabled).length} SIEM recipient(s) enabled`);
    } finally {
      this.markReady();
    }
  }

  private markReady: () => void = () => undefined;
  /**
   * Resolves once the stored recipients are loaded: alerts published before that (the alert
   * outbox replayed at start, the first passes) would find no recipient and go nowhere.
   */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
    this.redis.disconnect();
  }

  /** Queues alerts for every recipient that accepts them, in one Redis round trip. */
  publishMany(alerts: AlertEventV1[]): Promise<string[][]> {
    return this.dispatcher.publishMany(alerts);
  }

  /** As publishMany; `queued` resolves true once the alerts are in Redis (see SiemDispatcher.publishQueued). */
  publishQueued(alerts: AlertEventV1[]): Promise<{ queued: Promise<boolean> }> {
    return this.dispatcher.publishQueued(alerts);
  }

  private findOrFail(id: string): RecipientConfig {
    const r = this.recipients.find((x) => x.id === id);
    if (!r) throw new NotFoundException(`recipient ${id} not found`);
    return r;
  }

  async list(): Promise<RecipientView[]> {
    return Promise.all(this.recipients.map(async (r) => toRecipientView(r, await this.dispatcher.stats(r.id), this.invalid.get(r.id))));
  }

  async get(id: string): Promise<RecipientView> {
    const r = this.findOrFail(id);
    return toRecipientView(r, await this.dispatcher.stats(r.id), this.invalid.get(r.id));
  }

  private flagInvalid(config: RecipientConfig, reason: string): void {
    this.invalid.set(config.id, reason);
    this.health.set(`recipient ${config.name}`, `${reason} (disabled; fix or delete it)`);
  }

  private clearInvalid(id: string, name: string | undefined): void {
    this.invalid.delete(id);
    if (name !== undefined) this.health.clear(`recipient ${name}`);
  }

  /**
   * Validates and stores `config` in one transaction (name free, then the
   * same checks the transport makes): a failing save changes nothing, in
   * SQLite or in memory.
   */
  private async store(config: RecipientConfig, nowS: number, isNew: boolean): Promise<void> {
    await this.repository.save(config, nowS, isNew, async (manager) => {
      if (await this.repository.nameTaken(manager, config.name, config.id)) throw new ConflictException(`a recipient named "${config.name}" exists`);
      const problems = recipientProblems(config, this.policy);
      if (problems.length > 0) throw new BadRequestException(problems);
    });
  }

  async create(dto: RecipientDto, nowS = Math.floor(Date.now() / 1000)): Promise<RecipientView> {
    const config = toRecipientConfig(randomUUID(), dto);
    await this.store(config, nowS, true);
    this.recipients = [...this.recipients, config];
    await this.dispatcher.setRecipients(this.recipients);
    this.logger.log(`Recipient ${config.name} (${config.id}) created`);
    return this.get(config.id);
  }

  async update(id: string, dto: RecipientDto, nowS = Math.floor(Date.now() / 1000)): Promise<RecipientView> {
    const previous = this.findOrFail(id);
    const config = toRecipientConfig(id, dto, previous);
    await this.store(config, nowS, false);
    this.clearInvalid(id, previous.name);
    this.recipients = this.recipients.map((r) => (r.id === id ? config : r));
    await this.dispatcher.setRecipients(this.recipients);
    return this.get(id);
  }

  /** Deletes the recipient, its queue, in-flight list and counters. */
  async delete(id: string): Promise<void> {
    const r = this.findOrFail(id);
    await this.repository.delete(id);
    this.clearInvalid(id, r.name);
    this.recipients = this.recipients.filter((r) => r.id !== id);
    await this.dispatcher.setRecipients(this.recipients);
    await this.dispatcher.queue.purge(id).catch((err: Error) => this.logger.warn(`Purge of recipient ${id} queues failed: ${err.message}`));
  }

  /** Queues a test alert (status `test`) for one recipient; answers the alert sent. */
  async sendTest(id: string): Promise<AlertEventV1> {
    this.findOrFail(id);
    const alert = buildTestAlert();
    await this.dispatcher.publishTo(id, alert);
    return alert;
  }
}
