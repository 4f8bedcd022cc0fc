// The body of an HTTP request, bounded: the API server, the S3 server and the model servers of the
// twin all read whole bodies, and refuse (with their own error) one larger than they accept.
import type { IncomingMessage } from 'node:http';

export function readBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: () => Error = () => new Error('request body too large'),
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(tooLarge());
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
