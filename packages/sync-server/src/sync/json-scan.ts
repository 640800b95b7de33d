// A JSON scanner that walks request text without building objects and
// without recursion. The push route reads the change envelopes with it and
// keeps each record's `data` as the exact text the client sent: the server
// stays blind to record content, a record comes back byte for byte, keys like
// "__proto__" survive, a 10,000-level nesting costs no stack, and a 16 MiB
// body never turns into hundreds of MiB of parsed objects.

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    what: string,
    readonly at: number,
  ) {
    super(`${what} at character ${at}`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** Where a value starts: what kind of token comes next. */
export type TokenKind = 'object' | 'array' | 'string' | 'number' | 'literal' | 'end';

export class JsonScanner {
  pos = 0;
  /** Open containers while skipping a value (1 = object, 2 = array), grown as needed. */
  private stack = new Uint8Array(64);
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new JsonSyntaxError(what, this.pos);
  }

  private skipSpace(): void {
    const { text } = this;
    let c = text.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos);
  }

  /** The kind of the next value, after white space. */
  peek(): TokenKind {
    this.skipSpace();
    const c = this.text.charCodeAt(this.pos);
    if (c === OPEN_BRACE) return 'object';
    if (c === OPEN_BRACKET) return 'array';
    if (c === QUOTE) return 'string';
    if (c === MINUS || isDigit(c)) return 'number';
    if (Number.isNaN(c)) return 'end';
    return 'literal';
  }

  private expect(code: number, what: string): void {
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== code) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** After the whole document: only white space may follow. */
  expectEnd(): void {
    if (this.peek() !== 'end') this.fail('unexpected text after the JSON value');
  }

  /** Reads a string token and returns its value (lone surrogate escapes kept as they decode). */
  readString(): string {
    this.skipSpace();
    const start = this.pos;
    const end = this.stringEnd();
    const raw = this.text.slice(start + 1, end - 1);
    // Only escaped strings need decoding; JSON.parse of one token is exact and short-lived.
    return raw.includes('\\') ? (JSON.parse(this.text.slice(start, end)) as string) : raw;
  }

  /** Skips a string token starting at `pos` (a quote), checking escapes; returns the index after it. */
  private stringEnd(): number {
    const { text } = this;
    let i = this.pos + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (Number.isNaN(c)) {
        this.pos = i;
        this.fail('unterminated string');
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail('control character in a string');
      }
      if (c === BACKSLASH) {
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            if (!isHex(text.charCodeAt(i + k))) {
              this.pos = i;
              this.fail('bad \\u escape in a string');
            }
          }
          i += 6;
          continue;
        }
        if (!SIMPLE_ESCAPES.has(e)) {
          this.pos = i;
          this.fail('bad escape in a string');
        }
        i += 2;
        continue;
      }
      i++;
    }
    this.pos = i + 1;
    return this.pos;
  }

  private skipNumber(): void {
    const { text } = this;
    let i = this.pos;
    if (text.charCodeAt(i) === MINUS) i++;
    if (text.charCodeAt(i) === ZERO) i++;
    else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
    else this.fail('bad number');
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) this.fail('bad number');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === MINUS) i++;
      if (!isDigit(text.charCodeAt(i))) this.fail('bad number');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    this.pos = i;
  }

  /** Reads `true`, `false` or `null`. */
  readLiteral(): boolean | null {
    this.skipSpace();
    const { text, pos } = this;
    if (text.startsWith('true', pos)) {
      this.pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      this.pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      this.pos += 4;
      return null;
    }
    return this.fail('unexpected character');
  }

  /**
   * Skips one value of any kind and returns how deeply it nests (0 for a
   * scalar, 1 for `{}` or `[]`). Containers are tracked on an explicit
   * stack, so nesting depth costs memory proportional to the text, not call
   * stack.
   */
  skipValue(): number {
    let stack = this.stack;
    let depth = 0;
    let deepest = 0;
    for (;;) {
      // At the start of a value.
      const kind = this.peek();
      if (kind === 'object' || kind === 'array') {
        this.pos++;
        if (depth === stack.length) {
          const grown = new Uint8Array(stack.length * 2);
          grown.set(stack);
          stack = grown;
          this.stack = grown;
        }
        stack[depth++] = kind === 'object' ? 1 : 2;
        if (depth > deepest) deepest = depth;
        this.skipSpace();
        const close = this.text.charCodeAt(this.pos);
        if (close === (kind === 'object' ? CLOSE_BRACE : CLOSE_BRACKET)) {
          this.pos++;
          depth--;
        } else {
          if (kind === 'object') this.memberKey();
          continue;
        }
      } else if (kind === 'string') this.stringEnd();
      else if (kind === 'number') this.skipNumber();
      else if (kind === 'end') this.fail('unexpected end of the text');
      else this.readLiteral();
      // After a value: close containers or move on to the next member.
      for (;;) {
        if (depth === 0) return deepest;
        this.skipSpace();
        const c = this.text.charCodeAt(this.pos);
        const inObject = stack[depth - 1] === 1;
        if (c === COMMA) {
          this.pos++;
          if (inObject) this.memberKey();
          break;
        }
        if (c === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
          this.pos++;
          depth--;
          continue;
        }
        this.fail(inObject ? 'expected , or }' : 'expected , or ]');
      }
    }
  }

  /** A member's key and colon, inside an object being skipped. */
  private memberKey(): void {
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail('expected a quoted key');
    this.stringEnd();
    this.expect(COLON, ':');
  }

  /**
   * Walks an object's members: `onMember` is called with each key, the
   * scanner placed at the member's value, and must consume that value.
   */
  readObject(onMember: (key: string) => void): void {
    this.expect(OPEN_BRACE, '{');
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== QUOTE) this.fail('expected a quoted key');
      const key = this.readString();
      this.expect(COLON, ':');
      onMember(key);
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) return;
      this.pos--;
      this.fail('expected , or }');
    }
  }

  /** Walks an array: `onElement` is called at each element and must consume it. */
  readArray(onElement: (index: number) => void): void {
    this.expect(OPEN_BRACKET, '[');
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      onElement(index);
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === COMMA) continue;
      if (c === CLOSE_BRACKET) return;
      this.pos--;
      this.fail('expected , or ]');
    }
  }
}
