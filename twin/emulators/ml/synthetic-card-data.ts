// Synthetic card transactions shaped like the fraud-detection tutorial's data/card_transdata.csv
// (rh-aiservices-bu/fraud-detection; the public "card transaction fraud" data set): the same eight
// columns in the same order, floats written as Python writes them ("1.0", "0.3111400080477545"),
// marginal distributions close to the real file's (median distances about 10 and 1, median price
// ratio 1, ~88% repeat retailers, ~35% chip, ~10% PIN, ~65% online) and about 8.7% fraud.
//
// Fraud follows a noisy rule a small network can learn from the tutorial's five inputs: a purchase
// far above the card's median (ratio > 3.5) or far from the last transaction (> 30) makes fraud
// likely, above all online and without chip or PIN; being far from home (a column the model never
// sees, since the tutorial drops it) adds a little; a PIN almost rules fraud out. The rule is
// fraudProbability; each row's label is drawn from it, so some rows go against it, as real data does.
import { seededRandom, type Random } from './random';

/** The columns of card_transdata.csv, in the file's order. */
export const CARD_COLUMNS = [
  'distance_from_home',
  'distance_from_last_transaction',
  'ratio_to_median_purchase_price',
  'repeat_retailer',
  'used_chip',
  'used_pin_number',
  'online_order',
  'fraud',
] as const;

export type CardColumn = (typeof CARD_COLUMNS)[number];

/** One row of card_transdata.csv; the last five columns are 0 or 1. */
export type CardTransaction = Record<CardColumn, number>;

/** The columns that hold 0 or 1. */
export const BINARY_COLUMNS: readonly CardColumn[] = ['repeat_retailer', 'used_chip', 'used_pin_number', 'online_order', 'fraud'];

/** Where the tutorial keeps the data, relative to the repository root. */
export const CARD_DATA_PATH = 'data/card_transdata.csv';

export interface CardDataOptions {
  /** Number of rows (default 20 000; the real file has 1 000 000). */
  rows?: number;
  /** Seed of the random stream (default 42). */
  seed?: number;
}

export const DEFAULT_CARD_ROWS = 20_000;
export const DEFAULT_CARD_SEED = 42;

/** A smooth step from 0 to 1 around `at`, `width` wide. */
function step(x: number, at: number, width: number): number {
  return 1 / (1 + Math.exp(-(x - at) / width));
}

/**
 * The probability that a transaction is fraud under the generator's rule (the label of each row is
 * drawn from it). Exported so that tests can say what the data means.
 */
export function fraudProbability(t: Omit<CardTransaction, 'fraud'>): number {
  const logit =
    1.5 *
    (-10.75 +
      9 * step(t.ratio_to_median_purchase_price, 3.5, 0.3) +
      9 * step(t.distance_from_last_transaction, 30, 3) +
      2.5 * step(t.distance_from_home, 100, 10) +
      6 * t.online_order -
      2.5 * t.used_chip -
      8 * t.used_pin_number);
  return 1 / (1 + Math.exp(-logit));
}

function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * random.normal());
}

/** One transaction drawn from the random stream. */
function drawTransaction(random: Random): CardTransaction {
  const features = {
    distance_from_home: logNormal(random, 10, 1.4),
    distance_from_last_transaction: logNormal(random, 1, 1.8),
    ratio_to_median_purchase_price: logNormal(random, 1, 1.1),
    repeat_retailer: random.bernoulli(0.88) ? 1 : 0,
    used_chip: random.bernoulli(0.35) ? 1 : 0,
    used_pin_number: random.bernoulli(0.1) ? 1 : 0,
    online_order: random.bernoulli(0.65) ? 1 : 0,
  };
  return { ...features, fraud: random.bernoulli(fraudProbability(features)) ? 1 : 0 };
}

/** `rows` synthetic transactions; the same seed always gives the same rows. */
export function generateCardTransactions(options: CardDataOptions = {}): CardTransaction[] {
  const rows = options.rows ?? DEFAULT_CARD_ROWS;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const random = seededRandom(options.seed ?? DEFAULT_CARD_SEED);
  return Array.from({ length: rows }, () => drawTransaction(random));
}

/** A float as Python's repr writes it (pandas' to_csv does the same): 1.0, 0.25, 1e-05, 1.5e+16. */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the shortest digits that read back to x, as repr does.
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = x < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/** The rows as card_transdata.csv: a header line, then one line per row, each ending in \n. */
export function toCardCsv(rows: readonly CardTransaction[]): string {
  const lines = [CARD_COLUMNS.join(',')];
  for (const row of rows) lines.push(CARD_COLUMNS.map((c) => formatPythonFloat(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** A CSV that is not card transaction data; the message names the file, line and column. */
export class CardCsvError extends Error {
  override name = 'CardCsvError';
}

/**
 * Reads card_transdata.csv (any column order, extra columns ignored, \n or \r\n). Throws a
 * CardCsvError naming the line and column of the first bad value.
 */
export function parseCardCsv(text: string, source = CARD_DATA_PATH): CardTransaction[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new CardCsvError(`${source} is empty: expected a header line with ${CARD_COLUMNS.join(',')}`);
  const header = lines[0].split(',').map((h) => h.trim());
  const missing = CARD_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CardCsvError(
      `${source} line 1: the header has no column ${missing.join(', ')} (expected ${CARD_COLUMNS.join(',')}, got ${lines[0].slice(0, 200)})`,
    );
  }
  const index = CARD_COLUMNS.map((c) => header.indexOf(c));
  const rows: CardTransaction[] = [];
  for (let l = 1; l < lines.length; l++) {
    const cells = lines[l].split(',');
    if (cells.length !== header.length) {
      throw new CardCsvError(`${source} line ${l + 1}: ${cells.length} values for ${header.length} columns`);
    }
    const row = {} as CardTransaction;
    CARD_COLUMNS.forEach((column, i) => {
      const cell = cells[index[i]].trim();
      const value = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) throw new CardCsvError(`${source} line ${l + 1}: column ${column}: "${cell}" is not a number`);
      if (BINARY_COLUMNS.includes(column) && value !== 0 && value !== 1) {
        throw new CardCsvError(`${source} line ${l + 1}: column ${column} must be 0 or 1, got ${cell}`);
      }
      row[column] = value;
    });
    rows.push(row);
  }
  return rows;
}
