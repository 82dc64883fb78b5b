import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { BootConfig } from './boot-config';
import { DEFAULT_CONFIG_PATH } from './config-path';

/**
 * Registers `flowprobe tls-cert [--config FILE]`: makes sure the HTTPS
 * certificate exists in `tls.dir` (generating the self-signed one as the
 * first start would) and prints its SHA-256 fingerprint, for the console to
 * show before the service has ever started. Exit codes: 0, 2 bad config or TLS off.
 */
export function registerTlsCertCommand(program: Command, setExitCode: (code: number) => void = () => undefined): void {
  program
    .command('tls-cert')
    .description('create the self-signed HTTPS certificate when none exists; print its SHA-256 fingerprint')
    .option('-c, --config <file>', 'boot config YAML', DEFAULT_CONFIG_PATH)
    .action(async (opts: { config: string }) => {
      // Loaded by the action: the other commands never load the config schema or the control plane.
      const { loadBootConfig } = await import('./boot-config');
      const { ensureCertificate } = await import('@flowprobe/controlplane');
      let config: BootConfig;
      try {
        config = loadBootConfig(opts.config);
      } catch (err) {
        process.stderr.write(`flowprobe: ${(err as Error).message}\n`);
        setExitCode(2);
        return;
      }
      if (!config.tls.enabled) {
        process.stderr.write(`flowprobe: tls.enabled is false in ${config.origin}\n`);
        setExitCode(2);
        return;
      }
      const { pair } = await ensureCertificate(config.tls.dir, hostname());
      process.stdout.write(`${pair.info.fingerprint_sha256}\n`);
      setExitCode(0);
    });
}
