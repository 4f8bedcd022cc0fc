// The harness asserts with chai's `expect`; this module holds what chai cannot say by itself: a
// presence check that TypeScript narrows on (`expectOk`), and chai's settings for whole messages.
import { config, expect } from 'chai';

// A failure names what was found in full: no "[ Array(12) ]" where the reader needs the items.
config.truncateThreshold = 0;

/**
 * chai's `expect(value, message).to.be.ok` as a TypeScript assertion: after it, `value` is known to be
 * truthy (present), as Node's `assert.ok` told the compiler before.
 */
export function expectOk<T>(value: T, message?: string): asserts value {
  // eslint-disable-next-line @typescript-eslint/no-unused-expressions -- chai's property assertion is the check
  expect(value, message).to.be.ok;
}
