import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from './json-array-splitter.js';

const decoder = new TextDecoder();

/** Splits `bytes` at `cuts` and returns each element as parsed. */
function elementsOf(bytes: Uint8Array, cuts: number[]): unknown[] {
  const splitter = new JsonArraySplitter();
  const out: unknown[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)]
    .sort((a, b) => a - b)
    .concat(bytes.length)) {
    for (const piece of splitter.push(bytes.subarray(at, cut))) out.push(JSON.parse(decoder.decode(piece)));
    at = cut;
  }
  splitter.end();
  return out;
}

describe('cutting a JSON array into its elements as bytes arrive', () => {
  it('finds every element wherever the chunks are cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' })),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, indent, rawCuts) => {
          const bytes = new TextEncoder().encode(`\uFEFF ${JSON.stringify(values, null, indent)}\n`);
          const cuts = rawCuts.map((c) => c % (bytes.length + 1));
          // JSON.stringify writes -0 as 0: compare with what a full parse gives.
          expect(elementsOf(bytes, cuts)).toEqual(JSON.parse(JSON.stringify(values)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits strings with brackets, quotes and escapes inside', () => {
    const values = [{ a: '}]"\\', b: ['[', '{'] }, 'x\\"]', 12, -3.5e2, true, null, []];
    const bytes = new TextEncoder().encode(JSON.stringify(values));
    for (let cut = 0; cut <= bytes.length; cut++) expect(elementsOf(bytes, [cut])).toEqual(values);
  });

  it('says where a file that is not an array, or is cut short, goes wrong', () => {
    expect(() => elementsOf(new TextEncoder().encode('{"format": "chatkeep"}'), [])).toThrow(
      /expected "\[" at the start of the file \(byte 1\)/,
    );
    expect(() => elementsOf(new TextEncoder().encode('[{"a": 1}, {"b": '), [])).toThrow(
      /ends before the closing/,
    );
    expect(() => elementsOf(new TextEncoder().encode('[1] x'), [])).toThrow(/after the closing/);
    expect(() => elementsOf(new Uint8Array(0), [])).toThrow(/empty/);
  });
});
