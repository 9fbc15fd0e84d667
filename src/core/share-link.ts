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
import type { PromptSetup } from './setup.ts';
import { issue, type Issue, type IssueParams, type LinkErrorCode } from './issues.ts';

export type { LinkErrorCode } from './issues.ts';

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
  /**
   * Longest decompressed JSON (characters). A link's payload is far smaller than a setup file may be
   * (SETUP_LIMITS.jsonChars): what decompresses beyond this is a bomb, not a setup.
   */
  jsonChars: 2_000_000,
});

/** Why a link can't be read or made (see LINK_ERRORS in issues.ts). */
export type LinkError = Issue<LinkErrorCode> & {
  /** Schema errors, with paths, for 'invalid-setup' and 'setup-not-shareable'. */
  errors?: SetupError[];
};

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
    return { ok: false, error: { ...issue('setup-not-shareable', 'error', {}), errors: parsed.errors } };
  }
  const json = setupLinkJson(parsed.setup);
  const payload = LZString.compressToEncodedURIComponent(json);
  if (payload.length > LINK_LIMITS.payloadChars) {
    return {
      ok: false,
      error: issue('setup-too-large-for-link', 'error', { length: payload.length, max: LINK_LIMITS.payloadChars }),
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

const fail = <C extends LinkErrorCode>(code: C, params: IssueParams<C>, errors?: SetupError[]): LinkDecode => ({
  ok: false,
  error: { ...(issue(code, 'error', params) as Issue<LinkErrorCode>), ...(errors ? { errors } : {}) },
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
        result: fail('link-bad-checksum-field', {}),
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
  if (typeof hash !== 'string') return fail('not-a-link', {});
  let fragment = stripHash(hash);
  if (!fragment.startsWith(`${LINK_PARAM}=`)) return fail('not-a-link', {});
  fragment = fragment.slice(LINK_PARAM.length + 1);
  // Some apps percent-encode characters of a pasted link ("$" → "%24").
  if (fragment.includes('%')) {
    try {
      fragment = decodeURIComponent(fragment);
    } catch {
      return fail('link-bad-escape', {});
    }
  }
  fragment = fragment.trim();
  if (fragment === '') return fail('link-empty', { afterVersion: 0 });
  if (fragment.length > LINK_LIMITS.payloadChars + 32) {
    return fail('link-too-long', { length: fragment.length, max: LINK_LIMITS.payloadChars });
  }
  const dot = fragment.indexOf('.');
  const versionText = dot >= 0 ? fragment.slice(0, dot) : '';
  if (!/^[0-9]{1,6}$/.test(versionText)) {
    return fail('link-no-version', {});
  }
  const linkVersion = Number(versionText);
  if (linkVersion > LINK_FORMAT_VERSION) {
    return fail('newer-version', { version: linkVersion, current: LINK_FORMAT_VERSION });
  }
  const format = LINK_FORMATS[linkVersion];
  if (!format) return fail('unknown-version', { version: linkVersion });
  const read = format(fragment.slice(dot + 1));
  if (!read.ok) return read.result;
  const { payload, checksum } = read;
  if (payload === '') return fail('link-empty', { afterVersion: 1 });
  if (payload.length > LINK_LIMITS.payloadChars) {
    return fail('link-too-long', { length: payload.length, max: LINK_LIMITS.payloadChars });
  }
  if (!PAYLOAD_CHARS.test(payload)) {
    const bad = [...payload].find((c) => !PAYLOAD_CHARS.test(c)) ?? '';
    return fail('link-bad-character', { char: bad });
  }

  let json: string | null;
  try {
    json = LZString.decompressFromEncodedURIComponent(payload);
  } catch {
    json = null;
  }
  if (json === null || json === '') {
    return fail('damaged', {});
  }
  if (json.length > LINK_LIMITS.jsonChars) {
    return fail('link-too-much-data', { length: json.length, max: LINK_LIMITS.jsonChars });
  }
  if (checksum !== null && linkChecksum(json) !== checksum) {
    return fail('checksum', {});
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fail('not-json', {});
  }
  const parsed = parseSetup(raw);
  if (!parsed.ok) {
    return fail('invalid-setup', { count: parsed.errors.length }, parsed.errors);
  }
  const setupVersion =
    typeof (raw as { version?: unknown }).version === 'number'
      ? (raw as { version: number }).version
      : parsed.setup.version;
  return { ok: true, setup: parsed.setup, linkVersion, setupVersion };
}
