import type { Command } from 'commander';
import type { BootConfig } from './boot-config';
import { DEFAULT_CONFIG_PATH } from './config-path';

/** Largest stdin read, bytes: a password line, not a file. */
const MAX_STDIN_BYTES = 4096;

/** The password on stdin: everything up to the first line break (a trailing CR LF or LF is not part of it). */
export async function readPasswordFromStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new (await import('@flowprobe/controlplane')).AdminPasswordError(`stdin is larger than ${MAX_STDIN_BYTES} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const firstLine = /^([^\r\n]*)(\r?\n)?/.exec(text)![1];
  return firstLine;
}

/**
 * Registers `flowprobe admin-password [--config FILE] [--user NAME]`: reads
 * the password from stdin (first line) and writes its scrypt hash into the
 * configured database, creating the admin when there is none. The console
 * setup (`flowprobe-setup`) runs it; it is how an appliance with
 * `auth.require_setup` gets its first password. Exit codes: 0 set, 1 bad
 * password, 2 bad config.
 */
export function registerAdminPasswordCommand(program: Command, setExitCode: (code: number) => void = () => undefined): void {
  program
    .command('admin-password')
    .description("set an admin's password (read from stdin, first line) in the appliance database; creates the admin if missing")
    .option('-c, --config <file>', 'boot config YAML', DEFAULT_CONFIG_PATH)
    .option('-u, --user <name>', 'admin user name', 'admin')
    .action(async (opts: { config: string; user: string }) => {
      // Loaded by the action: the other commands never load the config schema or the control plane.
      const { loadBootConfig } = await import('./boot-config');
      const { AdminPasswordError, setAdminPassword } = await import('@flowprobe/controlplane');
      let config: BootConfig;
      try {
        config = loadBootConfig(opts.config);
      } catch (err) {
        process.stderr.write(`flowprobe: ${(err as Error).message}\n`);
        setExitCode(2);
        return;
      }
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(opts.user)) {
        process.stderr.write('flowprobe: --user: 1-64 letters, digits, ".", "_" or "-"\n');
        setExitCode(2);
        return;
      }
      try {
        const password = await readPasswordFromStdin();
        const { created } = await setAdminPassword(config.database.path, opts.user, password);
        process.stdout.write(`${created ? 'created admin' : 'set the password of'} "${opts.user}" in ${config.database.path}\n`);
        setExitCode(0);
      } catch (err) {
        if (!(err instanceof AdminPasswordError)) throw err;
        process.stderr.write(`flowprobe: ${err.message}\n`);
        setExitCode(1);
      }
    });
}
