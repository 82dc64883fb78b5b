import { FlowCheck, HostCheck, InterfaceCheck, CheckSettings } from './check.types';
import { ElephantFlowCheck, LongLivedFlowCheck, RemoteToRemoteCheck, UnidirectionalFlowCheck } from './flow-behaviour.check';
import { riskChecks } from './flow-risk.check';
import { DnsFloodCheck, FlowFloodCheck, HostScoreCheck, SynScanCheck } from './host.check';
import { FlowTableFullCheck, HostTableFullCheck, NoTrafficCheck, PacketDropsCheck, WorkerCrashCheck } from './interface.check';

/** Every check flowprobe runs, by kind. */
export interface CheckSet {
  flow: FlowCheck[];
  host: HostCheck[];
  iface: InterfaceCheck[];
}

export function allChecks(): CheckSet {
  return {
    flow: [...riskChecks(), new UnidirectionalFlowCheck(), new LongLivedFlowCheck(), new ElephantFlowCheck(), new RemoteToRemoteCheck()],
    host: [new SynScanCheck(), new FlowFloodCheck(), new DnsFloodCheck(), new HostScoreCheck()],
    iface: [new PacketDropsCheck(), new NoTrafficCheck(), new FlowTableFullCheck(), new HostTableFullCheck(), new WorkerCrashCheck()],
  };
}

/** Default settings of every check, as registered with the settings service. */
export function checkDefaults(set: CheckSet = allChecks()): Record<string, CheckSettings> {
  const out: Record<string, CheckSettings> = {};
  for (const c of [...set.flow, ...set.host, ...set.iface]) out[c.id] = { ...c.defaults };
  return out;
}
