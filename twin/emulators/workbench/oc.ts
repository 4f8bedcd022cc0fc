// The OpenShift CLI (`oc`) of the RHOAI 2.9 workbench images, as the distributed-workloads
// tutorial uses it from the workbench terminal ("log in to the cluster": the dashboard's or the
// console's "Copy login command", `oc login --token=<token> --server=<api url>`). Commands:
// - `oc login --token=T --server=S [--insecure-skip-tls-verify[=true]]`: asks the API server who
//   the token is (GET /apis/user.openshift.io/v1/users/~, as oc's login does), writes the context to
//   $KUBECONFIG or ~/.kube/config and says "Logged into "S" as "user" using the token provided.";
//   an invalid token is "error: The token provided is invalid or expired."; a server certificate no
//   system root vouches for, without --insecure-skip-tls-verify, is oc's "certificate signed by
//   unknown authority" refusal (no terminal to answer its question);
// - `oc whoami` (the user of the kubeconfig's token, asked of the server), `oc logout`.
// Words from openshift/oc release-4.15 pkg/cli/login/loginoptions.go and pkg/cli/whoami.
// The fault workbench-api-unreachable plays a NetworkPolicy that keeps the workbench from the API
// server: the connection times out.
import * as https from 'node:https';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { FaultDefinition } from '../../fault-definition';
import type { CommandContext, CommandHandler } from '../types';

export const API_UNREACHABLE_FAULT = 'workbench-api-unreachable';

export const WORKBENCH_OC_FAULTS: FaultDefinition[] = [
  {
    name: API_UNREACHABLE_FAULT,
    description:
      "A NetworkPolicy of the project keeps workbench pods from the API server (egress denied): `oc login` in the workbench terminal times out, so the CodeFlare SDK's TokenAuthentication cannot reach the cluster either",
    caughtBy: '@req.TUT-DW-02',
    expectMessage: 'logging in to the cluster from the workbench terminal failed',
  },
];

interface Answer {
  status: number;
  body: string;
}

function get(server: string, pathName: string, token: string, insecure: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(pathName, server),
      {
        method: 'GET',
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        rejectUnauthorized: !insecure,
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('i/o timeout')));
    req.on('error', reject);
    req.end();
  });
}

function kubeconfigPath(ctx: CommandContext): string {
  return ctx.env.KUBECONFIG || path.posix.join(ctx.env.HOME || '/opt/app-root/src', '.kube', 'config');
}

async function readConfig(ctx: CommandContext): Promise<{ server: string; token: string; insecure: boolean } | undefined> {
  try {
    const cfg = yaml.load((await ctx.fs.readFile(kubeconfigPath(ctx))).toString('utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const current = (cfg.contexts ?? []).find((c: { name: string }) => c.name === cfg['current-context'])?.context;
    const cluster = (cfg.clusters ?? []).find((c: { name: string }) => c.name === current?.cluster)?.cluster;
    const user = (cfg.users ?? []).find((u: { name: string }) => u.name === current?.user)?.user;
    if (!cluster?.server || !user?.token) return undefined;
    return { server: cluster.server, token: user.token, insecure: !!cluster['insecure-skip-tls-verify'] };
  } catch {
    return undefined;
  }
}

export function ocCommand(faults: { has(name: string): boolean }): CommandHandler {
  return async (ctx) => {
    const [sub, ...args] = ctx.argv.slice(1);
    const flag = (name: string) => {
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a === `--${name}`) return args[i + 1] && !args[i + 1]!.startsWith('--') ? args[i + 1] : 'true';
        if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
      }
      return undefined;
    };
    const ask = async (server: string, token: string, insecure: boolean): Promise<Answer | number> => {
      if (faults.has(API_UNREACHABLE_FAULT)) {
        ctx.stderr(`error: dial tcp ${new URL(server).host}: i/o timeout\n`);
        return 1;
      }
      try {
        return await get(server, '/apis/user.openshift.io/v1/users/~', token, insecure);
      } catch (e) {
        const message = (e as Error).message;
        if (/self[- ]signed|unable to verify|unknown authority|certificate/i.test(message)) {
          ctx.stderr(
            'The server uses a certificate signed by an unknown authority.\nYou can bypass the certificate check, but any data you send to the server could be intercepted by others.\nerror: tls: failed to verify certificate: x509: certificate signed by unknown authority\n',
          );
        } else ctx.stderr(`error: dial tcp ${new URL(server).host}: ${message}\n`);
        return 1;
      }
    };
    if (sub === 'login') {
      const token = flag('token');
      const server = flag('server') ?? args.find((a) => !a.startsWith('-'));
      const insecure = ['true', ''].includes(flag('insecure-skip-tls-verify') ?? 'false');
      if (!token || !server) {
        ctx.stderr("error: the twin's oc logs in with a token only: oc login --token=<token> --server=<api url>\n");
        return 1;
      }
      const answer = await ask(server, token, insecure);
      if (typeof answer === 'number') return answer;
      if (answer.status === 401) {
        ctx.stderr('error: The token provided is invalid or expired.\n\n');
        return 1;
      }
      if (answer.status !== 200) {
        ctx.stderr(`error: ${answer.body.slice(0, 300)}\n`);
        return 1;
      }
      const user = JSON.parse(answer.body).metadata?.name as string;
      const host = new URL(server).host.replace(/[.:]/g, '-');
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: host, cluster: { server, ...(insecure ? { 'insecure-skip-tls-verify': true } : {}) } }],
        users: [{ name: `${user}/${host}`, user: { token } }],
        contexts: [{ name: `default/${host}/${user}`, context: { cluster: host, user: `${user}/${host}`, namespace: 'default' } }],
        'current-context': `default/${host}/${user}`,
      };
      const file = kubeconfigPath(ctx);
      await ctx.fs.mkdir(path.posix.dirname(file), { recursive: true });
      await ctx.fs.writeFile(file, yaml.dump(config));
      ctx.stdout(`Logged into "${server}" as "${user}" using the token provided.\n\n`);
      return 0;
    }
    if (sub === 'whoami') {
      const config = await readConfig(ctx);
      if (!config) {
        ctx.stderr(
          'error: Missing or incomplete configuration info.  Please point to an existing, complete config file:\n\n  1. Via the command-line flag --kubeconfig\n  2. Via the KUBECONFIG environment variable\n  3. In your home directory as ~/.kube/config\n',
        );
        return 1;
      }
      const answer = await ask(config.server, config.token, config.insecure);
      if (typeof answer === 'number') return answer;
      if (answer.status !== 200) {
        ctx.stderr('error: You must be logged in to the server (Unauthorized)\n');
        return 1;
      }
      ctx.stdout(`${JSON.parse(answer.body).metadata?.name}\n`);
      return 0;
    }
    if (sub === 'logout') {
      await ctx.fs.writeFile(kubeconfigPath(ctx), '');
      ctx.stdout('Logged out\n');
      return 0;
    }
    ctx.stderr(`error: the twin's oc runs login, whoami and logout, not "${sub ?? ''}"\n`);
    return 1;
  };
}
