// Finds, in the bytes of a JSON object as they arrive, where the value of
// one top-level key starts when that value is an array: a Chatkeep export is
// `{"format":"chatkeep","version":2,"exportedAt":...,"conversations":[...]}`,
// and its conversations can then be read one at a time (JsonArraySplitter)
// with the fields before them as the header. Strings, escapes and nesting
// are followed so that the key is only found at the top level.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = new Set([0x7b, 0x5b]);
const CLOSE = new Set([0x7d, 0x5d]);
const OPEN_BRACKET = 0x5b;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export class ObjectHeadScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** At the top level, where a key may start (after "{" or ","). */
  private expectKey = false;
  /** The bytes of the top-level key being read. */
  private key: number[] | undefined;
  private keyStart = 0;
  /** The key just read, until its value starts. */
  private lastKey: { name: string; start: number } | undefined;
  private afterColon = false;
  private offset = 0;
  /** The object ended, or the key's value is not an array: there is nothing to find. */
  gaveUp = false;

  constructor(private readonly wanted: string) {}

  /**
   * Scans the next piece. Returns where the key's array starts, when it is in
   * this piece: the index of its "[" in `chunk`, and the offset in the whole
   * input where the key itself starts (the header is everything before it).
   */
  push(chunk: Uint8Array): { at: number; keyStart: number } | undefined {
    if (this.gaveUp) return undefined;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.key) {
            this.lastKey = { name: new TextDecoder().decode(new Uint8Array(this.key)), start: this.keyStart };
            this.key = undefined;
          }
        } else if (this.key) this.key.push(b);
        continue;
      }
      if (isSpace(b)) continue;
      if (this.afterColon) {
        this.afterColon = false;
        if (this.lastKey?.name === this.wanted) {
          if (b !== OPEN_BRACKET) {
            this.gaveUp = true;
            return undefined;
          }
          return { at: i, keyStart: this.lastKey.start };
        }
        this.lastKey = undefined;
      }
      if (b === QUOTE) {
        this.inString = true;
        if (this.depth === 1 && this.expectKey) {
          this.key = [];
          this.keyStart = this.offset + i;
          this.expectKey = false;
        }
      } else if (OPEN.has(b)) {
        this.depth += 1;
        if (this.depth === 1) this.expectKey = true;
      } else if (CLOSE.has(b)) {
        this.depth -= 1;
        if (this.depth <= 0) {
          this.gaveUp = true;
          return undefined;
        }
      } else if (this.depth === 1 && b === COLON && this.lastKey) {
        this.afterColon = true;
      } else if (this.depth === 1 && b === COMMA) {
        this.expectKey = true;
      }
    }
    this.offset += chunk.length;
    return undefined;
  }
}
