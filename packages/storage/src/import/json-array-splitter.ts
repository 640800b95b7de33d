// Cuts the bytes of a JSON array, as they arrive, into the bytes of its
// elements, so that an export of hundreds of megabytes is parsed one
// conversation at a time instead of all at once. It only finds where each
// element ends (strings, escapes and nesting); JSON.parse reads each element
// and reports any syntax error in it.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export class JsonArraySplitter {
  /**
   * @param inObject the array is a value inside an object (a Chatkeep
   *   export's "conversations"): what follows its closing "]" is kept in
   *   `rest` for the caller to check, instead of being refused.
   */
  constructor(private readonly inObject = false) {}

  /** With `inObject`: the bytes after the closing "]". */
  readonly rest: Uint8Array[] = [];

  /** 'before': nothing but whitespace seen; 'between': inside the array, between elements. */
  private state: 'before' | 'between' | 'element' | 'after' = 'before';
  /** Nesting inside the current element (0 for a string or a number). */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Bytes of the current element from earlier chunks. */
  private held: Uint8Array[] = [];
  private heldLength = 0;
  /** Bytes seen, for error messages. */
  private offset = 0;

  /** Whether the closing `]` was seen. */
  get done(): boolean {
    return this.state === 'after';
  }

  /** The complete elements in `chunk` (with what earlier chunks left over), as bytes. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let start = this.state === 'element' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case 'before':
          if (b === OPEN_BRACKET) this.state = 'between';
          else if (!isSpace(b) && !(this.offset + i < 3 && (b === 0xef || b === 0xbb || b === 0xbf))) {
            throw this.error(i, 'expected "[" at the start of the file');
          }
          continue;
        case 'after':
          if (this.inObject) {
            this.rest.push(chunk.slice(i));
            i = chunk.length;
            continue;
          }
          if (!isSpace(b)) throw this.error(i, 'unexpected text after the closing "]"');
          continue;
        case 'between':
          if (isSpace(b) || b === COMMA) continue;
          if (b === CLOSE_BRACKET) {
            this.state = 'after';
            continue;
          }
          this.state = 'element';
          start = i;
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          break;
      }
      // Inside an element.
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.depth === 0) this.finish(chunk, start, i + 1, out);
        }
      } else if (b === QUOTE) {
        this.inString = true;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.depth += 1;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (this.depth === 0) {
          // The end of the array right after a number or a literal.
          this.finish(chunk, start, i, out);
          this.state = 'after';
        } else {
          this.depth -= 1;
          if (this.depth === 0) this.finish(chunk, start, i + 1, out);
        }
      } else if (this.depth === 0 && (b === COMMA || isSpace(b))) {
        this.finish(chunk, start, i, out);
      }
    }
    if (this.state === 'element') {
      // A copy: the caller may reuse the chunk's buffer once push returns.
      const rest = chunk.slice(Math.max(start, 0));
      if (rest.length > 0) {
        this.held.push(rest);
        this.heldLength += rest.length;
      }
    }
    this.offset += chunk.length;
    return out;
  }

  /** Checks that the array was closed; call when the input ends. */
  end(): void {
    if (this.state !== 'after') {
      throw new Error(
        this.state === 'before'
          ? 'the file is empty'
          : `the file ends before the closing "]" (after ${this.offset} bytes): it may be cut short`,
      );
    }
  }

  private finish(chunk: Uint8Array, start: number, end: number, out: Uint8Array[]): void {
    const tail = chunk.subarray(Math.max(start, 0), end);
    if (this.heldLength === 0) {
      out.push(tail);
    } else {
      const whole = new Uint8Array(this.heldLength + tail.length);
      let at = 0;
      for (const piece of this.held) {
        whole.set(piece, at);
        at += piece.length;
      }
      whole.set(tail, at);
      out.push(whole);
      this.held = [];
      this.heldLength = 0;
    }
    this.state = 'between';
  }

  private error(i: number, what: string): Error {
    return new Error(`${what} (byte ${this.offset + i + 1})`);
  }
}
