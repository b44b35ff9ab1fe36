/**
 * A bounded memo of Prism's verdicts on requests the stateful mock has seen before, keyed by the exact
 * request: the operation, the method, path, query and headers Prism is shown, the accepted media type and
 * the body's bytes. Prism's request validation is a pure function of exactly these (the body it validates
 * is decoded from those bytes by that media type, tools/servers/request-body.ts), so a request that
 * repeats byte for byte gets the verdict Prism gave it, without Prism walking the schemas again — about
 * a tenth of a request's time (docs/mock.md, "Speed"). Clients repeat requests (a controller's patch, a
 * test's re-apply, a load test's few bodies); everything else is validated by Prism as before.
 *
 * Inputs: the key parts and a function that asks Prism. Output: Prism's verdict, shared between the
 * requests that hit it (callers only read it). Bounds: at most MAX_ENTRIES verdicts, least recently used
 * dropped first; a request whose key is longer than MAX_KEY_LENGTH characters is validated and not kept,
 * and so is a verdict the memo's `small` predicate finds too large (a 1 KB YAML body of aliases can expand
 * into a million invalid items, and Prism's verdict then lists them all), so the memo holds at most a
 * few megabytes.
 */
import type { IHttpRequest } from "@stoplight/prism-http";
import { Lru } from "./lru.js";

const MAX_ENTRIES = 256;
const MAX_KEY_LENGTH = 16 * 1024;

export class VerdictMemo<V> {
  private readonly verdicts = new Lru<V>(MAX_ENTRIES);

  /** `small`: whether a verdict is small enough to keep. */
  constructor(private readonly small: (verdict: V) => boolean) {}

  /** The verdict on `request` (with `bytes` its body as received), from the memo or from `validate`. */
  verdict(operationId: string, request: IHttpRequest, essence: string, bytes: Buffer | undefined, validate: () => V): V {
    if (bytes !== undefined && bytes.length > MAX_KEY_LENGTH) return validate();
    const { body: _decoded, ...shown } = request;
    const key = `${operationId}\n${essence}\n${JSON.stringify(shown)}\n${bytes?.toString("latin1") ?? ""}`;
    if (key.length > MAX_KEY_LENGTH) return validate();
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const fresh = validate();
    if (this.small(fresh)) this.verdicts.set(key, fresh);
    return fresh;
  }
}
