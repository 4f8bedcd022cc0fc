// The machine's OpenSSL command line, run as the 2.9 serving guide runs it (§7.3-7.4 of the
// reference). `openssl req -x509 ... -CA/-CAkey` exists from OpenSSL 3.0 on, so the version is
// checked first and a missing or older OpenSSL (1.1.x of RHEL 8, LibreSSL of macOS) gets an error
// that says what to install and which setting points at it. Private keys only ever go to files
// (-keyout); nothing secret is on a command line or in the output.
import { execFile } from 'node:child_process';

export class OpenSslError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenSslError';
  }
}

export interface OpenSslVersion {
  /** The whole `openssl version` line, e.g. "OpenSSL 3.0.19 27 Jan 2026 (Library: ...)". */
  text: string;
  major: number;
  minor: number;
}

const SETTING = 'RHOAI_OPENSSL';

/**
 * The guide's `openssl req -x509` for a new RSA 2048 key (unencrypted) and a SHA-256 certificate of
 * `days` days for `subject`; the caller adds how it is signed and where key and certificate go.
 */
export function x509RequestArgs(days: number, subject: string): string[] {
  return ['req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-days', String(days), '-nodes', '-subj', subject];
}

/** Signs with the CA (`-CA`/`-CAkey`, OpenSSL 3), the extensions of section [ san ] of `config`, writing key and certificate. */
export function signedWithSanArgs(config: string, ca: { cert: string; key: string }, out: { key: string; cert: string }): string[] {
  return ['-extensions', 'san', '-config', config, '-CA', ca.cert, '-CAkey', ca.key, '-keyout', out.key, '-out', out.cert];
}

/** Runs `openssl <args>` in `cwd`; rejects with the command, the exit status and OpenSSL's own words. */
export function runOpenSsl(command: string, args: readonly string[], cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(
          new OpenSslError(
            `cannot run "${command}": no such command. The secure gateway's certificates are made with the OpenSSL command line (>= 3.0), as the docs do; install it (e.g. dnf install openssl, apt-get install openssl) or set ${SETTING} to its path`,
          ),
        );
      }
      if (code === 'EACCES')
        return reject(new OpenSslError(`cannot run "${command}": permission denied (set ${SETTING} to an executable OpenSSL >= 3.0)`));
      const said = `${stderr}`.trim().split('\n').slice(-6).join('\n');
      reject(
        new OpenSslError(
          `"openssl ${args.join(' ')}" failed (exit ${(error as { code?: unknown }).code ?? error.message})${said ? `:\n${said}` : ''}`,
        ),
      );
    });
  });
}

/** Parses `openssl version`; LibreSSL and 1.x are refused with the reason. */
export function parseOpenSslVersion(text: string, command = 'openssl'): OpenSslVersion {
  const line = text.trim().split('\n')[0] ?? '';
  const match = /^OpenSSL (\d+)\.(\d+)\.(\d+)/.exec(line);
  if (!match) {
    const what = /^LibreSSL/.test(line) ? 'LibreSSL, which' : 'not OpenSSL, and';
    throw new OpenSslError(
      `"${command} version" says "${line}": that is ${what} lacks "openssl req -CA/-CAkey", with which the docs sign the wildcard certificate. Install OpenSSL >= 3.0 (on macOS: brew install openssl@3) and set ${SETTING} to it`,
    );
  }
  const version = { text: line, major: Number(match[1]), minor: Number(match[2]) };
  if (version.major < 3) {
    throw new OpenSslError(
      `"${command}" is ${line}; signing the wildcard certificate with "openssl req -CA/-CAkey" as the docs do needs OpenSSL >= 3.0 (1.1.x lacks -CA). Install OpenSSL 3 (e.g. the openssl3 package on RHEL 8) and set ${SETTING} to it`,
    );
  }
  return version;
}

/** The version of the configured OpenSSL, checked to be >= 3.0. */
export async function checkOpenSsl(command: string): Promise<OpenSslVersion> {
  const { stdout } = await runOpenSsl(command, ['version']);
  return parseOpenSslVersion(stdout, command);
}
