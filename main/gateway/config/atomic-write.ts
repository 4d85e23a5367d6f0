// Writes a file so that a reader (the user's editor, the config watcher, another Switchyard) sees either
// the old text or the new, never half of one: a temp file in the same folder, flushed, renamed over it.
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const RETRYABLE_RENAME = new Set(['EPERM', 'EACCES', 'EBUSY']);

export async function writeFileAtomic(file: string, text: string, defaultMode = 0o644): Promise<void> {
  // A config kept in a dotfiles repo is often a symlink: replace what it points at, not the link.
  const target = await realpath(file).catch(() => file);
  const mode = await stat(target).then(
    (s) => s.mode & 0o777,
    () => defaultMode,
  );
  const tmp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(text, 'utf8');
    // The umask applied at open(); keep the mode the file had (a config holding a literal key may be 0600).
    await fh.chmod(mode).catch(() => undefined);
    await fh.sync();
  } finally {
    await fh.close();
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(tmp, target);
      return;
    } catch (err) {
      // Windows refuses to replace a file another process has open for a moment (an editor, a virus scan).
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (process.platform === 'win32' && RETRYABLE_RENAME.has(code) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        continue;
      }
      await rm(tmp, { force: true });
      throw err;
    }
  }
}
