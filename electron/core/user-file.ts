/**
 * Reading a file a user (or the page) named: regular files on real file systems only, size-capped.
 * /proc holds the process's environment and memory, devices never end (/dev/zero), FIFOs block.
 */
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

const REFUSED_ROOTS = ['/proc', '/sys', '/dev'];
// statfs f_type of pseudo file systems, refused wherever they are mounted.
const PSEUDO_FS_TYPES = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1373, // devfs
  0x64626720, // debugfs
  0x73636673, // securityfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0x74726163, // tracefs
  0xcafe4a11, // bpf
]);

export class UserFileError extends Error {
  constructor(
    message: string,
    readonly reason: 'special' | 'too_large',
  ) {
    super(message);
  }
}

function under(file: string, root: string): boolean {
  return file === root || file.startsWith(root + path.sep);
}

/** The real path of `file`, resolving symlinks of its nearest existing ancestor (the file may not exist yet). */
async function realTarget(file: string): Promise<string> {
  let dir = path.resolve(file);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(await fs.realpath(dir), ...rest);
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return path.resolve(file);
      rest.unshift(path.basename(dir));
      dir = parent;
    }
  }
}

/** Throws UserFileError when writing `file` would touch /proc, /sys, /dev or replace something that is not a regular file. */
export async function checkWriteTarget(file: string): Promise<void> {
  const real = await realTarget(file);
  if (process.platform !== 'win32' && REFUSED_ROOTS.some((r) => under(real, r))) {
    throw new UserFileError(`${file}: files under ${REFUSED_ROOTS.join(', ')} are not written`, 'special');
  }
  const st = await fs.stat(real).catch(() => null);
  if (st && !st.isFile()) throw new UserFileError(`${file}: not a regular file; not replaced`, 'special');
}

/** The file's bytes; throws UserFileError for special files and files over `maxBytes`, fs errors otherwise. */
export async function readUserFile(file: string, maxBytes: number): Promise<{ data: Buffer; mtimeMs: number }> {
  const real = await fs.realpath(file);
  if (process.platform !== 'win32' && REFUSED_ROOTS.some((r) => under(real, r))) {
    throw new UserFileError(`${file}: files under ${REFUSED_ROOTS.join(', ')} are not opened`, 'special');
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const handle = await fs.open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new UserFileError(`${file}: not a regular file`, 'special');
    if (process.platform === 'linux' && PSEUDO_FS_TYPES.has((await fs.statfs(real)).type)) {
      throw new UserFileError(`${file}: on a system pseudo file system; not opened`, 'special');
    }
    const tooLarge = () => new UserFileError(`${file} is larger than the ${+(maxBytes / 1048576).toFixed(1)} MB limit for opening a file`, 'too_large');
    if (st.size > maxBytes) throw tooLarge();
    // Read up to one byte past the cap whatever the size said: it may be stale.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge();
    }
    return { data: Buffer.concat(chunks, total), mtimeMs: st.mtimeMs };
  } finally {
    await handle.close();
  }
}
