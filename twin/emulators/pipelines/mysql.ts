// MariaDB and MySQL (the sclorg images: registry.redhat.io/rhel8/mariadb-103, the DSPO's default
// database, red-hat-data-services/data-science-pipelines-operator rhoai-2.9
// config/internal/mariadb/default/deployment.yaml.tmpl; registry.redhat.io/rhel9/mysql-80 for an
// external MySQL) as an image emulator: the server's account is the container's MYSQL_USER /
// MYSQL_PASSWORD / MYSQL_DATABASE, as the images' entrypoint creates it. The twin does not speak the
// MySQL wire protocol: port 3306 answers one twin-internal request, POST /twin/login
// {user, password, database}, with what a client's handshake would learn (ok, or MySQL's
// "Error 1045 (28000): Access denied for user ..." / "Error 1049 (42000): Unknown database ...").
// The DSPO's health check (controllers/database.go ConnectAndQueryDatabase, "SELECT 1;") uses it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as http from 'node:http';
import type { ClusterNetwork } from '../../network/cluster-network';
import { ContainerExit, imageBaseName, type ContainerContext, type ContainerEmulator, type ImageEmulator } from '../types';

export const mysqlEmulator: ImageEmulator = {
  name: 'mysql',
  matches: (image) => /^(mariadb|mysql)(-|$)/.test(imageBaseName(image)),
  start: startMysql,
};

function startMysql(ctx: ContainerContext): ContainerEmulator {
  const user = ctx.env.MYSQL_USER;
  const password = ctx.env.MYSQL_PASSWORD;
  const database = ctx.env.MYSQL_DATABASE;
  if (!user || !password || !database)
    throw new ContainerExit(
      'You must either specify the following environment variables:\n  MYSQL_USER\n  MYSQL_PASSWORD\n  MYSQL_DATABASE\nOr the following environment variable:\n  MYSQL_ROOT_PASSWORD',
    );
  ctx.log(`---> Starting MySQL server ...`);
  ctx.log(`mysqld: ready for connections. Version: '10.3' socket: '/var/lib/mysql/mysql.sock'  port: 3306`);
  return {
    ports: [
      {
        port: 3306,
        handler: (req: IncomingMessage, res: ServerResponse) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            let body: { user?: string; password?: string; database?: string } = {};
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              /* a client that is not the twin's: refused below */
            }
            let answer = { ok: true, error: '' };
            if (body.user !== user || body.password !== password)
              answer = {
                ok: false,
                error: `Error 1045 (28000): Access denied for user '${body.user ?? ''}'@'10.128.0.1' (using password: ${body.password ? 'YES' : 'NO'})`,
              };
            else if (body.database && body.database !== database)
              answer = { ok: false, error: `Error 1049 (42000): Unknown database '${body.database}'` };
            const text = JSON.stringify(answer);
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(text);
          });
        },
      },
    ],
  };
}

/** What connecting to a MySQL server at host:port and running SELECT 1 gives: undefined when it works, else the driver's error. */
export async function mysqlLogin(
  network: ClusterNetwork,
  namespace: string,
  host: string,
  port: number,
  login: { user: string; password: string; database?: string },
): Promise<string | undefined> {
  let address: { host: string; port: number };
  try {
    address = await network.resolve(host, port, namespace);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'ENOTFOUND' ? `dial tcp: lookup ${host}: no such host` : `dial tcp ${host}:${port}: connect: connection refused`;
  }
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: address.host,
        port: address.port,
        method: 'POST',
        path: '/twin/login',
        agent: false,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const a = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve(a.ok ? undefined : String(a.error));
          } catch {
            resolve(`${host}:${port} does not speak the MySQL protocol`);
          }
        });
      },
    );
    req.on('error', (e) => resolve(`dial tcp ${host}:${port}: ${e.message}`));
    req.end(JSON.stringify(login));
  });
}
