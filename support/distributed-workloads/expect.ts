// chai's expect for a value a later line relies on: `check(value, message)` fails with the message
// (chai's "expected ... to be truthy" appended) and tells TypeScript the value is there.
import { expect } from 'chai';

export function check(value: unknown, message: string): asserts value {
  expect(Boolean(value), message).to.equal(true);
}
