/**
 * Media-type parsing and matching for the mock server.
 *
 * Inputs: media-type strings as found in a Content-Type header or a spec's content map; parameters
 * such as `; charset=utf-8` are allowed and ignored. Outputs: the lower-cased `type/subtype`
 * essence, and whether a concrete media type is covered by a declared one. Pure functions: no I/O,
 * they never throw (a malformed media type simply matches nothing).
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

interface MediaType {
  type: string;
  /** The subtype without its structured-syntax suffix: `merge-patch` for `merge-patch+json`. */
  subtype: string;
  /** The structured-syntax suffix (`json`, `yaml`), or undefined when the subtype has none. */
  suffix: string | undefined;
}

/** The lower-cased `type/subtype` of a media type or Content-Type value without its parameters; undefined when malformed. */
export function mediaTypeEssence(value: string): string | undefined {
  const essence = (value.split(";", 1)[0] ?? "").trim().toLowerCase();
  const parts = essence.split("/");
  const [type, subtype] = parts;
  if (parts.length !== 2 || type === undefined || subtype === undefined) return undefined;
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  return essence;
}

function parseMediaType(value: string): MediaType | undefined {
  const essence = mediaTypeEssence(value);
  if (essence === undefined) return undefined;
  const [type = "", fullSubtype = ""] = essence.split("/");
  const plus = fullSubtype.lastIndexOf("+");
  if (plus === -1) return { type, subtype: fullSubtype, suffix: undefined };
  return { type, subtype: fullSubtype.slice(0, plus), suffix: fullSubtype.slice(plus + 1) };
}

/**
 * True when the concrete media type `actual` (a request's Content-Type, an Accept entry) is covered by
 * `declared` (a media type from the spec). Type, subtype and suffix must all be equal, so
 * `application/merge-patch+json` matches neither `application/json` nor `application/json-patch+json`.
 * Wildcards are honoured on the declared side only, as in Prism: `*` as type, `*` as the whole subtype
 * (`application/*`), or `*` before a suffix (`application/*+json`, which needs that suffix).
 * Argument order and meaning are those of Prism's `wildcardMediaTypeMatch(mediaTypeA, mediaTypeB)`.
 */
export function mediaTypeMatches(actual: string, declared: string): boolean {
  const a = parseMediaType(actual);
  const d = parseMediaType(declared);
  if (a === undefined || d === undefined) return false;
  if (d.type !== "*" && d.type !== a.type) return false;
  if (d.subtype === "*") return d.suffix === undefined || d.suffix === a.suffix;
  return d.subtype === a.subtype && d.suffix === a.suffix;
}
