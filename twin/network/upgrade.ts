// HTTP/1.1 connection upgrades (WebSocket) through the twin's proxies, as HAProxy (the OpenShift
// router: websocket connections are tunnelled once the backend answers 101) and openshift/oauth-proxy
// (its upstream proxy passes websockets through, oauthproxy.go NewWebSocketOrRestReverseProxy) relay
// them: the request head goes to the backend as it came (plus the proxy's own headers), then the two
// sockets are joined both ways until either side closes.
import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

/** Serves an upgrade request that reached a server: the socket is the client's. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UpgradeTarget {
  host: string;
  port: number;
  /** Speak TLS to the backend, with these options (servername, ca, rejectUnauthorized). */
  tls?: tls.ConnectionOptions;
}

/** Answers an upgrade request with a plain HTTP response and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, body = ''): void {
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Relays an upgrade request to a backend and joins the two connections. */
export function relayUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: UpgradeTarget,
  extraHeaders: Record<string, string | undefined> = {},
): void {
  const upstream: Duplex = target.tls
    ? tls.connect({ ...target.tls, host: target.host, port: target.port })
    : net.connect({ host: target.host, port: target.port });
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
  const skip = new Set(Object.keys(extraHeaders).map((k) => k.toLowerCase()));
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!skip.has(req.rawHeaders[i]!.toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  for (const [k, v] of Object.entries(extraHeaders)) if (v !== undefined) lines.push(`${k}: ${v}`);
  const close = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.once(target.tls ? 'secureConnect' : 'connect', () => {
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => {
    if (!socket.destroyed && socket.writable && !(socket as { bytesWritten?: number }).bytesWritten)
      refuseUpgrade(socket, 502, 'Bad Gateway', 'the backend could not be reached\n');
    else close();
  });
  socket.on('error', close);
  upstream.on('close', () => socket.destroy());
  socket.on('close', () => upstream.destroy());
}
