import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Crash-safe file replacement (docs/reliability.md): the data goes to a temporary file in the
 * same folder, is fsynced, gets its mode, and is renamed over `file`; the folder is fsynced so
 * the rename itself survives a power cut. A reader sees the old file or the whole new one,
 * never a torn one. Temporary names end in `.tmp-<pid>-<n>` (never matched by the readers).
 */
let counter = 0;

function tmpName(file: string): string {
  return `${file}.tmp-${process.pid}-${++counter}`;
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a folder: the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = tmpName(file);
  try {
    const fd = fs.openSync(tmp, 'w', mode);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // The mode argument is masked by the umask: set it explicitly.
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(file));
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = tmpName(file);
  try {
    const h = await fs.promises.open(tmp, 'w', mode);
    try {
      await h.writeFile(data);
      await h.sync();
    } finally {
      await h.close();
    }
    await fs.promises.chmod(tmp, mode);
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(file));
}
