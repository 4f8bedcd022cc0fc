// Opt-in scenarios (support/advanced/opt-in.ts) run only when a --tags expression asks for them by
// one of their own tags.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { askedFor } from '../../../support/advanced/opt-in-selection';

const tags = ['@advanced', '@opt-in', '@req.ADV-08'];

describe('opt-in scenarios', () => {
  it('run when the tags name the item or the area', () => {
    assert.equal(askedFor(['@req.ADV-08'], tags), true);
    assert.equal(askedFor(['@install or @advanced'], tags), true);
    assert.equal(askedFor(['(@install and not @distributed) or (@req.ADV-08)'], tags), true);
  });
  it('stay out of runs that select them only by negation, by another area, or with no tags', () => {
    assert.equal(askedFor([], tags), false);
    assert.equal(askedFor(['not @wip'], tags), false);
    assert.equal(askedFor(['@install'], tags), false);
    assert.equal(askedFor(['@opt-in'], tags), false);
    assert.equal(askedFor(['not @advanced'], tags), false);
  });
});
