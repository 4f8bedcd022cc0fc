// twin/emulators/ml: the synthetic card_transdata.csv. The same seed gives the same rows; the
// marginals and the fraud rate are close to the real file's; fraud follows the relations the
// tutorial's model is meant to learn; the CSV is written as pandas writes it and read back exactly,
// and a bad CSV is refused naming the line and column.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../twin/emulators/ml/random';
import {
  CARD_COLUMNS,
  CardCsvError,
  type CardTransaction,
  formatPythonFloat,
  fraudProbability,
  generateCardTransactions,
  parseCardCsv,
  toCardCsv,
} from '../../../twin/emulators/ml/synthetic-card-data';

const rows = generateCardTransactions({ rows: 50_000, seed: 7 });

function fraudRate(subset: CardTransaction[]): number {
  return subset.filter((r) => r.fraud === 1).length / subset.length;
}

function mean(column: keyof CardTransaction): number {
  return rows.reduce((s, r) => s + r[column], 0) / rows.length;
}

function median(column: keyof CardTransaction): number {
  const sorted = rows.map((r) => r[column]).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('seeded random numbers', () => {
  it('repeat for a seed and differ between seeds', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const c = seededRandom(2);
    const first = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      Array.from({ length: 5 }, () => b.next()),
      first,
    );
    assert.notDeepEqual(
      Array.from({ length: 5 }, () => c.next()),
      first,
    );
    assert.ok(first.every((x) => x >= 0 && x < 1));
  });

  it('draws standard normals', () => {
    const r = seededRandom(3);
    const xs = Array.from({ length: 20_000 }, () => r.normal());
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
    assert.ok(Math.abs(m) < 0.03, `mean ${m}`);
    assert.ok(Math.abs(v - 1) < 0.05, `variance ${v}`);
  });

  it('refuses a seed that is not a safe integer', () => {
    assert.throws(() => seededRandom(1.5), /seed must be a safe integer, got 1.5/);
  });
});

describe('synthetic card transactions', () => {
  it('are the same for the same seed and differ for another', () => {
    assert.deepEqual(generateCardTransactions({ rows: 200, seed: 11 }), generateCardTransactions({ rows: 200, seed: 11 }));
    assert.notDeepEqual(generateCardTransactions({ rows: 200, seed: 11 }), generateCardTransactions({ rows: 200, seed: 12 }));
  });

  it('have the columns of card_transdata.csv, binary flags of 0 or 1 and positive distances and ratios', () => {
    assert.deepEqual(Object.keys(rows[0]), [...CARD_COLUMNS]);
    for (const r of rows.slice(0, 2000)) {
      for (const c of ['repeat_retailer', 'used_chip', 'used_pin_number', 'online_order', 'fraud'] as const)
        assert.ok(r[c] === 0 || r[c] === 1, `${c} = ${r[c]}`);
      for (const c of ['distance_from_home', 'distance_from_last_transaction', 'ratio_to_median_purchase_price'] as const)
        assert.ok(r[c] > 0, `${c} = ${r[c]}`);
    }
  });

  it('have about 8.7% fraud and marginals close to the real file', () => {
    const rate = fraudRate(rows);
    assert.ok(rate > 0.08 && rate < 0.095, `fraud rate ${rate}`);
    // The real card_transdata.csv: medians about 10, 1 and 1; 88% repeat retailer, 35% chip, 10% PIN, 65% online.
    assert.ok(Math.abs(median('distance_from_home') - 10) < 1, `median distance from home ${median('distance_from_home')}`);
    assert.ok(Math.abs(median('distance_from_last_transaction') - 1) < 0.1);
    assert.ok(Math.abs(median('ratio_to_median_purchase_price') - 1) < 0.1);
    assert.ok(Math.abs(mean('repeat_retailer') - 0.88) < 0.01);
    assert.ok(Math.abs(mean('used_chip') - 0.35) < 0.01);
    assert.ok(Math.abs(mean('used_pin_number') - 0.1) < 0.01);
    assert.ok(Math.abs(mean('online_order') - 0.65) < 0.01);
  });

  it('make fraud more likely for large purchases, online orders, no chip or PIN, and far from the last transaction', () => {
    const where = (f: (r: CardTransaction) => boolean) => fraudRate(rows.filter(f));
    assert.ok(where((r) => r.ratio_to_median_purchase_price > 4) > 5 * where((r) => r.ratio_to_median_purchase_price < 2));
    assert.ok(where((r) => r.online_order === 1) > 5 * where((r) => r.online_order === 0));
    assert.ok(where((r) => r.used_chip === 0) > where((r) => r.used_chip === 1));
    assert.ok(where((r) => r.used_pin_number === 1) < 0.01);
    assert.ok(where((r) => r.distance_from_last_transaction > 50) > 5 * where((r) => r.distance_from_last_transaction < 10));
    // The repeat_retailer column carries no signal, as in the real data.
    assert.ok(Math.abs(where((r) => r.repeat_retailer === 1) - where((r) => r.repeat_retailer === 0)) < 0.01);
  });

  it("label the tutorial's example transactions as the tutorial expects", () => {
    const home = { distance_from_home: 10, repeat_retailer: 1 };
    const t = (last: number, ratio: number, chip: number, pin: number, online: number) =>
      fraudProbability({
        ...home,
        distance_from_last_transaction: last,
        ratio_to_median_purchase_price: ratio,
        used_chip: chip,
        used_pin_number: pin,
        online_order: online,
      });
    assert.ok(t(0.3111400080477545, 1.9459399775518593, 1, 0, 0) < 0.001, 'Sally');
    assert.ok(t(0, 1, 1, 1, 0) < 0.001, 'coffee');
    assert.ok(t(100, 1.2, 0, 0, 1) > 0.99, 'stolen card');
  });

  it('refuses a row count that is not a positive integer', () => {
    assert.throws(() => generateCardTransactions({ rows: 0 }), /rows must be a positive integer, got 0/);
  });
});

describe('card_transdata.csv', () => {
  it('writes floats as Python does', () => {
    assert.equal(formatPythonFloat(1), '1.0');
    assert.equal(formatPythonFloat(0), '0.0');
    assert.equal(formatPythonFloat(57.87785658389723), '57.87785658389723');
    assert.equal(formatPythonFloat(0.3111400080477545), '0.3111400080477545');
    assert.equal(formatPythonFloat(1234.5), '1234.5');
    assert.equal(formatPythonFloat(0.0001), '0.0001');
    assert.equal(formatPythonFloat(0.00001234), '1.234e-05');
    assert.equal(formatPythonFloat(1e16), '1e+16');
    assert.equal(formatPythonFloat(123456789012345680), '1.2345678901234568e+17');
    assert.equal(formatPythonFloat(-2.5), '-2.5');
    assert.equal(formatPythonFloat(-0.001), '-0.001');
  });

  it('starts with the header of the real file and reads back exactly', () => {
    const some = rows.slice(0, 500);
    const csv = toCardCsv(some);
    const [header, first] = csv.split('\n');
    assert.equal(
      header,
      'distance_from_home,distance_from_last_transaction,ratio_to_median_purchase_price,repeat_retailer,used_chip,used_pin_number,online_order,fraud',
    );
    assert.match(first, /^\d+\.\d+,\d+\.\d+(e-\d+)?,\d+\.\d+(e-\d+)?,[01]\.0,[01]\.0,[01]\.0,[01]\.0,[01]\.0$/);
    assert.ok(csv.endsWith('\n'));
    assert.deepEqual(parseCardCsv(csv), some);
  });

  it("reads the real file's first row, CRLF line ends and columns in another order", () => {
    const real = `${CARD_COLUMNS.join(',')}\r\n57.87785658389723,0.3111400080477545,1.9459399775518593,1.0,1.0,0.0,0.0,0.0\r\n`;
    assert.deepEqual(parseCardCsv(real), [
      {
        distance_from_home: 57.87785658389723,
        distance_from_last_transaction: 0.3111400080477545,
        ratio_to_median_purchase_price: 1.9459399775518593,
        repeat_retailer: 1,
        used_chip: 1,
        used_pin_number: 0,
        online_order: 0,
        fraud: 0,
      },
    ]);
    const reordered = `fraud,${CARD_COLUMNS.slice(0, 7).join(',')},note\n1.0,1,2,3,1,0,0,1,x\n`;
    assert.deepEqual(parseCardCsv(reordered)[0], {
      distance_from_home: 1,
      distance_from_last_transaction: 2,
      ratio_to_median_purchase_price: 3,
      repeat_retailer: 1,
      used_chip: 0,
      used_pin_number: 0,
      online_order: 1,
      fraud: 1,
    });
  });

  it('names the file, line and column of what is wrong', () => {
    const header = CARD_COLUMNS.join(',');
    const bad = (text: string, message: RegExp) =>
      assert.throws(
        () => parseCardCsv(text, 'data/card_transdata.csv'),
        (e: Error) => e instanceof CardCsvError && message.test(e.message),
      );
    bad('', /^data\/card_transdata.csv is empty/);
    bad('a,b\n1,2\n', /line 1: the header has no column distance_from_home, distance_from_last_transaction/);
    bad(`${header}\n1,2,3,1,0,0,1,0\n1,2,x,1,0,0,1,0\n`, /line 3: column ratio_to_median_purchase_price: "x" is not a number/);
    bad(`${header}\n1,2,3,1,0,0,1\n`, /line 2: 7 values for 8 columns/);
    bad(`${header}\n1,2,3,1,0,0,1,2.0\n`, /line 2: column fraud must be 0 or 1, got 2.0/);
    bad(`${header}\n1,,3,1,0,0,1,0\n`, /line 2: column distance_from_last_transaction: "" is not a number/);
  });
});
