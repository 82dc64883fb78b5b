import { Command, CommanderError } from 'commander';
import { registerAdminPasswordCommand } from './admin-password-command';
import { registerAnalyzeCommand } from './analyze-command';
import { registerRunCommand } from './run-command';
import { registerTlsCertCommand } from './tls-cert-command';

/**
 * The `flowprobe` command. Each subcommand lives in its own file and registers
 * itself here. Resolves to the process exit code.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('flowprobe')
    .description('network traffic probe: flows, hosts and applications from DPDK ports or capture files')
    .exitOverride()
    .showHelpAfterError();
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  registerAnalyzeCommand(program, setExitCode);
  registerRunCommand(program, setExitCode);
  registerAdminPasswordCommand(program, setExitCode);
  registerTlsCertCommand(program, setExitCode);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}
