// What encrypted sync puts on the wire, written once for the client and the
// server: the record envelope `{enc: 1, iv, ct}` and the account's key
// material. The server checks shape and size only; the client checks content.
import '../zod-config.js';
import { z } from 'zod';
import { MAX_SHARE_BYTES } from '../sync/protocol.js';
import { isBase64url } from './base64url.js';

/** base64url text of `min` to `max` characters. */
const base64url = (what: string, min: number, max: number) =>
  z
    .string({ error: `${what} must be a base64url string` })
    .min(min, `${what} must be at least ${min} base64url characters`)
    .max(max, `${what} must be at most ${max} base64url characters`)
    .refine(isBase64url, `${what} must be base64url (A-Z, a-z, 0-9, - and _, no padding)`);

/** A 96-bit IV is 16 base64url characters. */
export const IV_CHARS = 16;
/** The smallest ciphertext: an empty plaintext still carries the 128-bit tag (22 characters). */
const MIN_CT_CHARS = 22;

/**
 * An encrypted record as stored on the server: AES-256-GCM ciphertext (with
 * its tag) and IV, base64url. Nothing else may ride along: an extra field
 * could carry plaintext. Its size is bounded by the record limit where it is used.
 */
export const encryptedDataSchema = z.strictObject({
  enc: z.literal(1, { error: 'enc must be 1 (the envelope version)' }),
  iv: base64url('iv', IV_CHARS, IV_CHARS),
  ct: base64url('ct', MIN_CT_CHARS, 8 * 1024 * 1024),
});
export type EncryptedData = z.infer<typeof encryptedDataSchema>;

/**
 * The key material an account keeps on the server: how the passphrase key is
 * derived (the KDF's name, salt and parameters, so they can be raised later),
 * the data key wrapped by the passphrase key and by the recovery key, and a
 * key check value. None of it reveals the data key without the passphrase or
 * the recovery key.
 */
export const keyMaterialSchema = z.strictObject({
  format: z.literal(1, { error: 'format must be 1' }),
  kdf: z.strictObject({
    name: z
      .string({ error: 'kdf.name must be a string' })
      .regex(/^[A-Za-z0-9-]{1,32}$/, 'kdf.name must be 1 to 32 letters, digits or -'),
    salt: base64url('kdf.salt', 22, 128),
    params: z
      .record(
        z.string().regex(/^[A-Za-z]{1,32}$/, 'kdf.params names must be 1 to 32 letters'),
        z
          .number({ error: 'kdf.params values must be numbers' })
          .int('kdf.params values must be integers')
          .min(1, 'kdf.params values must be positive')
          .max(2 ** 31 - 1, 'kdf.params values must be below 2^31'),
      )
      .refine((params) => Object.keys(params).length <= 8, 'kdf.params may hold at most 8 parameters'),
  }),
  passphraseWrapped: base64url('passphraseWrapped', 32, 512),
  recoveryWrapped: base64url('recoveryWrapped', 32, 512),
  keyCheck: base64url('keyCheck', 16, 128),
});
export type KeyMaterial = z.infer<typeof keyMaterialSchema>;

/**
 * GET /v1/account/keys and the answer to a PUT or DELETE: the key material
 * (null when none is set), whether plaintext pushes are refused, and the
 * revision a device must name to change them.
 */
export const accountKeysResponseSchema = z.object({
  keys: keyMaterialSchema.nullable(),
  encrypted: z.boolean(),
  revision: z.number().int().nonnegative(),
});
export type AccountKeysResponse = z.infer<typeof accountKeysResponseSchema>;

// ---- share links ---------------------------------------------------------------

/**
 * A share link's snapshot as POST /v1/shares takes it and GET /v1/shares/:id
 * serves it: the same envelope, bounded by the share limit instead of the
 * record limit (the whole body is at most MAX_SHARE_BYTES).
 */
export const shareDataSchema = encryptedDataSchema.extend({
  ct: base64url('ct', MIN_CT_CHARS, MAX_SHARE_BYTES),
});
export type ShareData = z.infer<typeof shareDataSchema>;

/** The answer to POST /v1/shares. */
export const shareCreatedSchema = z.object({ id: z.string().min(1) });

/** One of the owner's shares in GET /v1/shares: never its content. */
export const shareInfoSchema = z.object({
  id: z.string(),
  size: z.number(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export type ShareInfo = z.infer<typeof shareInfoSchema>;
export const sharesResponseSchema = z.object({ shares: z.array(shareInfoSchema) });
export type SharesResponse = z.infer<typeof sharesResponseSchema>;
