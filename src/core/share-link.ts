// Share links: a whole PromptSetup in the URL fragment (the part after "#", which browsers never
// send to a server), compressed with lz-string and versioned separately from the setup itself.
//
//   #s=2.<checksum>.<payload>     link format 2 (current): payload = lz-string
//                                 compressToEncodedURIComponent(JSON of the setup); checksum =
//                                 FNV-1a (32 bit, 8 hex digits) of that JSON text
//   #s=1.<payload>                link format 1: the same payload without a checksum
//
// The link format version says how to get the setup's JSON out of the fragment; the JSON carries
// the PromptSetup's own `version`, which `parseSetup` migrates (src/core/setup.ts). So an old link
// goes through two migration steps: link format n → current, then setup version m → current.
//
// The checksum is not a signature (anyone can recompute it); it tells a link that was cut short or
// mangled on its way (chat apps, e-mail line breaks, a bit flip that still decompresses) from a
// setup that is simply invalid. Everything decoded is untrusted data and goes through parseSetup.

import LZString from 'lz-string';
import { parseSetup, type SetupError } from './setup-parse.ts';
import { SETUP_LIMITS, type PromptSetup } from './setup.ts';

/** Version of the link format written by `encodeShareFragment`. */
export const LINK_FORMAT_VERSION = 2 as const;
/** Fragment parameter name: "#s=…". */
export const LINK_PARAM = 's';

export const LINK_LIMITS = Object.freeze({
  /**
   * Longest compressed payload read or written (characters). lz-string can expand a crafted payload
   * quadratically, so this bound (≈ 32 M characters at worst) comes before decompression.
   */
  payloadChars: 16_000,
  /** Longest decompressed JSON (characters), as for JSON imports. */
  jsonChars: SETUP_LIMITS.jsonChars,
});

export type LinkErrorCode =
  /** Fragment is not a ClozeLab setup link (e.g. empty, or another app's "#…"). */
  | 'not-a-link'
  /** "#s=" with nothing after it. */
  | 'empty'
  /** The structure around the payload is wrong (no version, bad characters, bad checksum field). */
  | 'malformed'
  /** A link format this ClozeLab does not know (older than 1, or not a number). */
  | 'unknown-version'
  /** A link format from a newer ClozeLab. */
  | 'newer-version'
  /** Payload or decompressed JSON over the limits. */
  | 'too-large'
  /** The payload does not decompress (cut short or changed). */
  | 'damaged'
  /** It decompresses, but the checksum does not match: cut short or changed on its way. */
  | 'checksum'
  /** It decompresses to text that is not JSON. */
  | 'not-json'
  /** Valid JSON that is not a valid PromptSetup (see `errors`). */
  | 'invalid-setup';

export interface LinkError {
  code: LinkErrorCode;
  /** English message; the UI translates by code and params. */
  message: string;
  params: Record<string, string | number>;
  /** Schema errors, with paths, for 'invalid-setup'. */
  errors?: SetupError[];
}

export type LinkDecode =
  | {
      ok: true;
      setup: PromptSetup;
      /** The link format the fragment was written in. */
      linkVersion: number;
      /** The setup version inside the link before migration. */
      setupVersion: number;
    }
  | { ok: false; error: LinkError };

export type LinkEncode = { ok: true; fragment: string; payloadChars: number } | { ok: false; error: LinkError };

/** FNV-1a over UTF-16 code units, as 8 lowercase hex digits. Detects accidental damage only. */
export function linkChecksum(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The setup as the JSON text a link carries (a validated setup, so no unknown keys). */
export function setupLinkJson(setup: PromptSetup): string {
  return JSON.stringify(setup);
}

/** "s=2.<checksum>.<payload>" for a setup (without the "#"). */
export function encodeShareFragment(setup: PromptSetup): LinkEncode {
  const parsed = parseSetup(setup);
  if (!parsed.ok) {
    return {
      ok: false,
      error: {
        code: 'invalid-setup',
        message: 'This setup is not valid, so it cannot be shared.',
        params: {},
        errors: parsed.errors,
      },
    };
  }
  const json = setupLinkJson(parsed.setup);
  const payload = LZString.compressToEncodedURIComponent(json);
  if (payload.length > LINK_LIMITS.payloadChars) {
    return {
      ok: false,
      error: {
        code: 'too-large',
        message: `This setup is too large for a link (${payload.length} characters compressed; at most ${LINK_LIMITS.payloadChars}). Export it as a JSON file instead, or remove some example inputs.`,
        params: { length: payload.length, max: LINK_LIMITS.payloadChars },
      },
    };
  }
  return {
    ok: true,
    fragment: `${LINK_PARAM}=${LINK_FORMAT_VERSION}.${linkChecksum(json)}.${payload}`,
    payloadChars: payload.length,
  };
}

/** A full share URL: `base` (the app's address, any fragment dropped) + "#s=…". */
export function shareUrl(base: string, setup: PromptSetup): LinkEncode & { url?: string } {
  const encoded = encodeShareFragment(setup);
  if (!encoded.ok) return encoded;
  const hashAt = base.indexOf('#');
  return { ...encoded, url: `${hashAt >= 0 ? base.slice(0, hashAt) : base}#${encoded.fragment}` };
}

/** The fragment without a leading "#". */
function stripHash(hash: string): string {
  return hash.startsWith('#') ? hash.slice(1) : hash;
}

/** True when a location hash is meant as a ClozeLab setup link ("#s=…"), valid or not. */
export function isShareFragment(hash: string): boolean {
  return typeof hash === 'string' && stripHash(hash).startsWith(`${LINK_PARAM}=`);
}

const PAYLOAD_CHARS = /^[A-Za-z0-9+\-$]*$/;

const fail = (
  code: LinkErrorCode,
  message: string,
  params: Record<string, string | number> = {},
  errors?: SetupError[],
): LinkDecode => ({
  ok: false,
  error: { code, message, params, ...(errors ? { errors } : {}) },
});

/** How each link format gets the setup's JSON text out of the part after "s=<version>.". */
const LINK_FORMATS: Record<
  number,
  (rest: string) => { ok: true; payload: string; checksum: string | null } | { ok: false; result: LinkDecode }
> = {
  1: (rest) => ({ ok: true, payload: rest, checksum: null }),
  2: (rest) => {
    const dot = rest.indexOf('.');
    const checksum = dot >= 0 ? rest.slice(0, dot) : '';
    if (!/^[0-9a-f]{8}$/.test(checksum)) {
      return {
        ok: false,
        result: fail('malformed', 'The link is damaged: its checksum field is missing or not 8 hexadecimal digits.', {
          reason: 'checksum-field',
        }),
      };
    }
    return { ok: true, payload: rest.slice(dot + 1), checksum };
  },
};

/**
 * Reads a location hash ("#s=…" or "s=…"). Never throws; every failure says what is wrong.
 * The setup is validated (and migrated) by `parseSetup`.
 */
export function decodeShareFragment(hash: string): LinkDecode {
  if (typeof hash !== 'string') return fail('not-a-link', 'This is not a ClozeLab setup link.');
  let fragment = stripHash(hash);
  if (!fragment.startsWith(`${LINK_PARAM}=`)) return fail('not-a-link', 'This is not a ClozeLab setup link.');
  fragment = fragment.slice(LINK_PARAM.length + 1);
  // Some apps percent-encode characters of a pasted link ("$" → "%24").
  if (fragment.includes('%')) {
    try {
      fragment = decodeURIComponent(fragment);
    } catch {
      return fail('malformed', 'The link is damaged: it contains a broken %-escape.', { reason: 'percent' });
    }
  }
  fragment = fragment.trim();
  if (fragment === '') return fail('empty', 'The link has no setup in it (nothing after "#s=").');
  if (fragment.length > LINK_LIMITS.payloadChars + 32) {
    return fail(
      'too-large',
      `The link is too long (${fragment.length} characters; at most ${LINK_LIMITS.payloadChars}).`,
      {
        length: fragment.length,
        max: LINK_LIMITS.payloadChars,
      },
    );
  }
  const dot = fragment.indexOf('.');
  const versionText = dot >= 0 ? fragment.slice(0, dot) : '';
  if (!/^[0-9]{1,6}$/.test(versionText)) {
    return fail(
      'malformed',
      'The link is damaged: it has no link-format version (it should start with "#s=<number>.").',
      { reason: 'no-version' },
    );
  }
  const linkVersion = Number(versionText);
  if (linkVersion > LINK_FORMAT_VERSION) {
    return fail(
      'newer-version',
      `This link was made by a newer ClozeLab (link format ${linkVersion}); this one reads formats up to ${LINK_FORMAT_VERSION}. Please update ClozeLab.`,
      { version: linkVersion, current: LINK_FORMAT_VERSION },
    );
  }
  const format = LINK_FORMATS[linkVersion];
  if (!format) return fail('unknown-version', `Unknown link format ${linkVersion}.`, { version: linkVersion });
  const read = format(fragment.slice(dot + 1));
  if (!read.ok) return read.result;
  const { payload, checksum } = read;
  if (payload === '') return fail('empty', 'The link has no setup in it.');
  if (payload.length > LINK_LIMITS.payloadChars) {
    return fail(
      'too-large',
      `The link is too long (${payload.length} characters; at most ${LINK_LIMITS.payloadChars}).`,
      {
        length: payload.length,
        max: LINK_LIMITS.payloadChars,
      },
    );
  }
  if (!PAYLOAD_CHARS.test(payload)) {
    const bad = [...payload].find((c) => !PAYLOAD_CHARS.test(c)) ?? '';
    return fail(
      'malformed',
      `The link is damaged: it contains the character ${JSON.stringify(bad)}, which no ClozeLab link has.`,
      { reason: 'char', char: bad },
    );
  }

  let json: string | null;
  try {
    json = LZString.decompressFromEncodedURIComponent(payload);
  } catch {
    json = null;
  }
  if (json === null || json === '') {
    return fail(
      'damaged',
      'The link is damaged or incomplete: its content could not be unpacked. Ask for the link again, or copy all of it.',
    );
  }
  if (json.length > LINK_LIMITS.jsonChars) {
    return fail(
      'too-large',
      `The link unpacks to too much data (${json.length} characters; at most ${LINK_LIMITS.jsonChars}).`,
      {
        length: json.length,
        max: LINK_LIMITS.jsonChars,
      },
    );
  }
  if (checksum !== null && linkChecksum(json) !== checksum) {
    return fail(
      'checksum',
      'The link was cut short or changed on its way: its checksum does not match its content. Ask for the link again, or copy all of it.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fail('not-json', 'The link is damaged or incomplete: it does not contain a ClozeLab setup.');
  }
  const parsed = parseSetup(raw);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    return fail(
      'invalid-setup',
      `The link's setup is not valid${first ? ` (${first.path}: ${first.message})` : ''}.`,
      { count: parsed.errors.length },
      parsed.errors,
    );
  }
  const setupVersion =
    typeof (raw as { version?: unknown }).version === 'number'
      ? (raw as { version: number }).version
      : parsed.setup.version;
  return { ok: true, setup: parsed.setup, linkVersion, setupVersion };
}
