import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Interface traffic over one interval starting at `t` (UNIX seconds):
 * counters are deltas over the interval, `bps`/`pps` averages, `num_*` the last value.
 */
abstract class InterfacePointColumns {
  @PrimaryColumn({ type: 'integer' })
  ifid!: number;

  @PrimaryColumn({ type: 'integer' })
  t!: number;

  @Column({ type: 'real' })
  bytes!: number;

  @Column({ type: 'real' })
  packets!: number;

  @Column({ type: 'real' })
  drops!: number;

  @Column({ type: 'real' })
  bps!: number;

  @Column({ type: 'real' })
  pps!: number;

  @Column({ name: 'num_flows', type: 'integer' })
  numFlows!: number;

  @Column({ name: 'num_hosts', type: 'integer' })
  numHosts!: number;
}

/** Host traffic over one interval starting at `t`; `host` is `ip` or `ip@vlan`. */
abstract class HostPointColumns {
  @PrimaryColumn({ type: 'text' })
  host!: string;

  @PrimaryColumn({ type: 'integer' })
  t!: number;

  @Column({ name: 'bytes_sent', type: 'real' })
  bytesSent!: number;

  @Column({ name: 'bytes_rcvd', type: 'real' })
  bytesRcvd!: number;

  @Column({ name: 'packets_sent', type: 'real' })
  packetsSent!: number;

  @Column({ name: 'packets_rcvd', type: 'real' })
  packetsRcvd!: number;

  @Column({ type: 'real' })
  bps!: number;
}

/** Written by the minute job. */
@Entity('ts_interface_minute')
export class InterfaceMinuteEntity extends InterfacePointColumns {}

/** Rolled up from minutes by the hourly job. */
@Entity('ts_interface_hour')
export class InterfaceHourEntity extends InterfacePointColumns {}

/** Rolled up from hours by the daily job. */
@Entity('ts_interface_day')
export class InterfaceDayEntity extends InterfacePointColumns {}

/** Written by the 5-minute job. */
@Entity('ts_host_5min')
export class HostFiveMinuteEntity extends HostPointColumns {}

@Entity('ts_host_hour')
export class HostHourEntity extends HostPointColumns {}

@Entity('ts_host_day')
export class HostDayEntity extends HostPointColumns {}
