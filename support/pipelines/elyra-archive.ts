// The dependency archives Elyra uploads beside a pipeline (a gzipped ustar of a node's file and its
// dependencies, elyra/pipeline/processor.py _upload_dependencies_to_object_store), read with
// tar-stream. A module of its own, free of Cucumber, so that a unit test can read the twin's archives.
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

/** The regular files of a .tar.gz Elyra uploaded (path → content, in the archive's order). */
export async function untar(archive: Buffer): Promise<Map<string, Buffer>> {
  const entries = extract();
  entries.end(gunzipSync(archive));
  const files = new Map<string, Buffer>();
  for await (const entry of entries) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === 'file') files.set(entry.header.name, Buffer.concat(chunks));
  }
  return files;
}
