// The gzipped tar archives Elyra packs a node's file and dependencies into and the bootstrapper
// unpacks in the task's pod (`tar -zxvf`): POSIX.1-1988 ustar entries (what Python's tarfile writes
// by default), regular files of mode 0644 owned by uid/gid 0, read and written by tar-stream; gzip by
// node:zlib.
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

/** A .tar.gz of the files (path → content), in the order given. */
export async function tarGz(files: [string, Buffer][], mtime = Date.now()): Promise<Buffer> {
  const tar = pack();
  // Read while writing: the pack stream holds back an entry until what it produced is read.
  const chunks: Buffer[] = [];
  const read = (async () => {
    for await (const chunk of tar) chunks.push(chunk as Buffer);
  })();
  for (const [name, data] of files) {
    await new Promise<void>((resolve, reject) =>
      tar.entry({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: new Date(mtime) }, data, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  }
  tar.finalize();
  await read;
  return gzipSync(Buffer.concat(chunks));
}

/** The regular files of a .tar.gz (path → content); throws tar's words for what is not one. */
export async function untarGz(archive: Buffer): Promise<Map<string, Buffer>> {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch {
    throw new Error('gzip: stdin: not in gzip format\ntar: Child returned status 1');
  }
  const files = new Map<string, Buffer>();
  const entries = extract();
  entries.end(tar);
  try {
    for await (const entry of entries) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === 'file') files.set(entry.header.name, Buffer.concat(chunks));
    }
  } catch {
    throw new Error('tar: This does not look like a tar archive');
  }
  return files;
}
