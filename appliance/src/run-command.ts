import type { Command } from 'commander';
import type { Appliance } from './appliance';
import type { BootConfig } from './boot-config';

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/**
 * Registers `flowprobe run [--config FILE]`: capture + API + jobs in this
 * process until SIGINT/SIGTERM. A bad config exits 2 with every bad key listed;
 * a start that fails (database, port, ...) exits 1 with the reason logged.
 */
export function registerRunCommand(program: Command, setExitCode: (code: number) => void = () => undefined): void {
  program
    .command('run')
    .description('run the appliance: capture on the configured sources and serve the API, portal and live state')
    .option('-c, --config <file>', 'boot config YAML (default: the built-in demo replaying generated traffic)')
    .action(async (opts: { config?: string }) => {
      // Loaded here, not at the top: the other commands never load the control plane (start-up time).
      const { createJsonLogger, PRODUCT_VERSION } = await import('@flowprobe/controlplane');
      const { resolveRunConfig, startAppliance } = await import('./appliance');
      const log = createJsonLogger();
      let config: BootConfig;
      try {
        config = resolveRunConfig(opts.config);
      } catch (err) {
        process.stderr.write(`flowprobe: ${(err as Error).message}\n`);
        setExitCode(2);
        return;
      }
      let appliance: Appliance;
      try {
        appliance = await startAppliance(config);
      } catch (err) {
        // Exit non-zero (systemd restarts or reports it) rather than hang half-started.
        log.error(`start failed: ${(err as Error).message}`, (err as Error).stack, 'Appliance');
        setExitCode(1);
        return;
      }
      const failed = appliance.failedSources.map((f) => `${f.name} (FAILED)`);
      log.log(
        `flowprobe ${PRODUCT_VERSION} running (${config.origin}): ${[...appliance.dataplanes.map((d) => d.name), ...failed].join(', ')}; API ${appliance.controlPlane.url}/api/v1, docs ${appliance.controlPlane.url}/api/docs`,
        'Appliance',
      );
      const signal = await untilSignal();
      log.log(`${signal}: stopping`, 'Appliance');
      await appliance.stop();
      setExitCode(0);
    });
}
