import { describe, expect, it } from 'vitest';
import { mongoStatement } from '../src/sdk.js';

describe('the statement of a MongoDB span', () => {
  it('names the command and its collection, never the documents', () => {
    const documents = Array.from({ length: 300 }, (_, i) => ({ _id: `p${i}`, name: 'x'.repeat(200) }));
    expect(mongoStatement({ insert: 'products', documents, ordered: false })).toBe('insert products');
    expect(mongoStatement({ delete: 'products', deletes: [{ q: { _id: { $in: ['a'] } } }] })).toBe(
      'delete products',
    );
    expect(mongoStatement({ find: 'products', filter: { _id: 'secret-ish' } })).toBe('find products');
  });

  it('keeps a command without a collection as its name', () => {
    expect(mongoStatement({ ping: 1 })).toBe('ping');
    expect(mongoStatement({})).toBe('unknown');
  });
});
