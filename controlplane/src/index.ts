/** Public entry of the control plane for the appliance (composition root). */
export { startControlPlane, createJsonLogger } from './control-plane';
export type { ControlPlane } from './control-plane';
export type { ControlPlaneOptions } from './config/control-plane-options';
export type { LoggerService } from '@nestjs/common';
export type { ProbeDataplane } from './dataplane/probe-dataplane';
export * from './api';
// Job and service classes, for `app.get(...)` in the appliance's integration tests and tools.
export { SecondJob } from './jobs/second.job';
export { MinuteJob } from './jobs/minute.job';
export { FiveMinuteJob } from './jobs/five-minute.job';
export { HourlyJob } from './jobs/hourly.job';
export { DailyJob } from './jobs/daily.job';
export { JobRunner } from './jobs/job-runner';
export { LiveService } from './live/live.service';
export { REDIS_KEYS } from './live/live-state.repository';
export { RedisService } from './redis/redis.service';
export { INITIAL_PASSWORD_FILE } from './users/users.service';
export { setAdminPassword, adminPasswordProblem, AdminPasswordError } from './users/admin-password';
export { CertificateStore, CertificateError, ensureCertificate, validateCertificatePair } from './tls/certificate-store';
export { IpfixExporter } from './ipfix/ipfix-exporter';
export type { IpfixCollectorTarget, IpfixExporterStats } from './ipfix/ipfix-exporter';
export type { IpfixFlow } from './ipfix/ipfix-flow';
export { parseIpfixUrl } from './ipfix/ipfix-url';
export { IpBytesDeltas } from './ipfix/ipfix.service';
export { FlowRecordDispatcher } from './flow-records/flow-record-dispatcher';
export { HistoryService } from './history/history.service';
export { ClickHouseHistoryRepository, clickHouseSchema, clickHouseFeatures, chString } from './history/clickhouse-history.repository';
export type { FlowRecordConsumer, FlowRecordConsumerStats } from './flow-records/flow-record-dispatcher';
