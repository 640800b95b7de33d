// Turns arbitrary values (tool results, metadata, unknown parts) into plain
// JSON that the record schema accepts, without throwing: whatever JSON cannot
// hold is replaced by a readable string rather than dropped or crashing.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A plain-JSON copy of `value`; `undefined` stays `undefined` so callers can omit the field. */
export function toJson(value: unknown): JsonValue | undefined {
  return convert(value, new WeakSet(), 0);
}

function convert(value: unknown, seen: WeakSet<object>, depth: number): JsonValue | undefined {
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON.stringify writes NaN and ±Infinity as null; do the same.
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (obj instanceof Uint8Array) return bytesToBase64(obj);
  if (obj instanceof ArrayBuffer) return bytesToBase64(new Uint8Array(obj));
  if (ArrayBuffer.isView(obj))
    return bytesToBase64(new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength));
  if (obj instanceof URL) return obj.href;
  if (obj instanceof Error) return { name: obj.name, message: obj.message };
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deeply nested]';
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    try {
      return convert(toJSON.call(obj), seen, depth + 1);
    } catch {
      return String(obj);
    }
  }
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => convert(v, seen, depth + 1) ?? null);
    if (obj instanceof Map) {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of obj) {
        const converted = convert(v, seen, depth + 1);
        if (converted !== undefined) out[String(k)] = converted;
      }
      return out;
    }
    if (obj instanceof Set) return [...obj].map((v) => convert(v, seen, depth + 1) ?? null);
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(obj)) {
      const converted = convert(v, seen, depth + 1);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/** A one-line text of any value, at most `max` characters. */
export function shortText(value: unknown, max = 500): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    const json = toJson(value);
    text = json === undefined ? '' : JSON.stringify(json);
  }
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

/** Cuts `text` to at most `max` UTF-16 units, marking the cut with an ellipsis and never splitting an emoji. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
