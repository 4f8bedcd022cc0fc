// The redaction layer under every attachment, log line and error message the harness produces.
// It knows two things: secret values registered at run time (passwords, tokens, generated keys, S3
// secrets) and the shapes secrets have on the wire (PEM private keys, OpenShift sha256~ tokens,
// Bearer/Basic headers, JWTs, bcrypt hashes). Objects are redacted by kind as well: Secret values
// and kubeconfig user credentials never leave the process.

export const REDACTED = '[redacted]';

/** Values shorter than this are not registered: redacting "a" or "ok" would shred every log. */
export const MIN_SECRET_LENGTH = 4;

interface Pattern {
  name: string;
  regex: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

const PATTERNS: Pattern[] = [
  {
    name: 'PEM private key',
    regex: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, label: string) => `-----BEGIN ${label}PRIVATE KEY-----\n${REDACTED}\n-----END ${label}PRIVATE KEY-----`,
  },
  { name: 'OpenShift token', regex: /sha256~[A-Za-z0-9_-]{8,}/g, replace: `sha256~${REDACTED}` },
  { name: 'Bearer header', regex: /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: `$1 ${REDACTED}` },
  { name: 'Basic header', regex: /\b(Basic)\s+[A-Za-z0-9+/]{8,}={0,2}/g, replace: `$1 ${REDACTED}` },
  { name: 'JWT', regex: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g, replace: REDACTED },
  { name: 'bcrypt hash', regex: /\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}/g, replace: REDACTED },
];

/** Field names whose values are credentials wherever they appear in an object. */
const CREDENTIAL_KEYS = new Set([
  'token',
  'password',
  'client-key-data',
  'client-key',
  'id-token',
  'refresh-token',
  'access-token',
  'secretaccesskey',
  'secret_access_key',
  'aws_secret_access_key',
]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly secrets = new Map<string, string>();
  private secretRegex: RegExp | undefined;

  /**
   * Registers a secret value (and its base64 forms, as Secrets carry it) to be replaced wherever it
   * appears. Values shorter than MIN_SECRET_LENGTH are ignored.
   */
  addSecret(value: string | undefined | null, label = 'secret'): void {
    if (typeof value !== 'string') return;
    const forms = [value, value.trim(), Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url')];
    for (const form of forms) {
      if (form.length >= MIN_SECRET_LENGTH && !this.secrets.has(form)) {
        this.secrets.set(form, label);
        this.secretRegex = undefined;
      }
    }
  }

  /** How many distinct secret strings are known (for tests and diagnostics; never the values). */
  get secretCount(): number {
    return this.secrets.size;
  }

  redactText(text: string): string {
    let out = text;
    if (this.secrets.size > 0) {
      if (!this.secretRegex) {
        // Longest first, so that a secret containing another is replaced whole.
        const alternatives = [...this.secrets.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
        this.secretRegex = new RegExp(alternatives.join('|'), 'g');
      }
      out = out.replace(this.secretRegex, REDACTED);
    }
    for (const pattern of PATTERNS) {
      out = out.replace(pattern.regex, pattern.replace as (substring: string, ...args: string[]) => string);
    }
    return out;
  }

  /**
   * A redacted deep copy of any value: Secret data/stringData values, kubeconfig user credentials
   * and credential-named fields are replaced, and every remaining string goes through redactText.
   */
  redactValue<T>(value: T): T {
    return this.redactAny(value, new WeakSet()) as T;
  }

  /** Redacts an error in place (message, stack, and chai's actual/expected) and returns it. */
  redactError<E>(error: E): E {
    if (error instanceof Error) {
      const e = error as Error & { actual?: unknown; expected?: unknown; cause?: unknown };
      try {
        e.message = this.redactText(e.message);
        if (typeof e.stack === 'string') e.stack = this.redactText(e.stack);
        if ('actual' in e) e.actual = this.redactValue(e.actual);
        if ('expected' in e) e.expected = this.redactValue(e.expected);
        if (e.cause !== undefined && e.cause !== error) this.redactError(e.cause);
      } catch {
        // A frozen or exotic error object: fall through and return it; its text is redacted by the
        // console and attachment layers as well.
      }
      return error;
    }
    if (typeof error === 'string') return this.redactText(error) as E;
    return this.redactValue(error);
  }

  private redactAny(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (Buffer.isBuffer(value)) return Buffer.from(this.redactText(value.toString('utf8')));
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.redactAny(item, seen));
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const isSecret = source.kind === 'Secret' && typeof source.apiVersion === 'string';
    const isKubeconfig = source.kind === 'Config' && Array.isArray(source.users);
    for (const [key, child] of Object.entries(source)) {
      if (isSecret && (key === 'data' || key === 'stringData') && child && typeof child === 'object') {
        out[key] = Object.fromEntries(Object.keys(child).map((k) => [k, REDACTED]));
      } else if (isKubeconfig && key === 'users' && Array.isArray(child)) {
        out[key] = child.map((entry) => this.redactKubeconfigUser(entry, seen));
      } else if (CREDENTIAL_KEYS.has(key.toLowerCase()) && typeof child === 'string' && child.length > 0) {
        out[key] = REDACTED;
      } else {
        out[key] = this.redactAny(child, seen);
      }
    }
    return out;
  }

  private redactKubeconfigUser(entry: unknown, seen: WeakSet<object>): unknown {
    if (!entry || typeof entry !== 'object') return entry;
    const { user, ...rest } = entry as { user?: Record<string, unknown> };
    const redactedUser: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(user ?? {})) {
      const sensitive = ['token', 'password', 'client-key-data', 'client-certificate-data', 'auth-provider', 'exec'].includes(key);
      redactedUser[key] = sensitive ? REDACTED : this.redactAny(value, seen);
    }
    return { ...(this.redactAny(rest, seen) as object), user: redactedUser };
  }
}
