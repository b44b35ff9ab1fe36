/**
 * Compiles, at start-up, every validator Prism will need for the mock's operations, so that no request pays
 * for it. Prism compiles a schema with ajv the first time a value is validated against it (and keeps the
 * function, keyed by the schema object: @stoplight/prism-http validator/validators/utils.js
 * getValidationFunction) — about half a second for the Pod schema of one patch type, which the first
 * request of that type used to spend, and a second response schema as much again.
 *
 * Input: the operations (tools/servers/spec.ts) and Prism's validators (tools/servers/prism-internals.ts
 * loadValidators); `which` picks the requests, the answers or both. Effect: each operation's request is
 * validated once per declared media type of its body (once without a body when it declares none), and an
 * answer once per declared status code and media type, through the very validators requests and answers
 * go through later — the same schema objects, so the same cache entries. The verdicts are thrown away: the
 * values are placeholders (the operation's path template, an empty object) that only make Prism reach
 * every schema. Output: nothing; throws what Prism throws (a schema ajv cannot compile), failing the start
 * as it would have failed that first request.
 */
import type { IHttpRequest, IHttpResponse } from "@stoplight/prism-http";
import type { PrismValidator } from "./prism-internals.js";
import type { PrismOperation } from "./spec.js";

export function warmValidators(
  operations: readonly PrismOperation[],
  validators: { input?: PrismValidator<IHttpRequest>; output?: PrismValidator<IHttpResponse> },
): void {
  for (const operation of operations) {
    const { input, output } = validators;
    if (input !== undefined) {
      const mediaTypes = (operation.request?.body?.contents ?? []).map((content) => content.mediaType);
      // The query, header and path schemas are compiled with the first of these; a body's schema needs a body.
      for (const mediaType of mediaTypes.length === 0 ? [undefined] : mediaTypes) {
        input({
          resource: operation,
          element: {
            method: operation.method as IHttpRequest["method"],
            url: { path: operation.path, query: {} },
            headers: mediaType === undefined ? {} : { "content-type": mediaType, "content-length": "2" },
            ...(mediaType === undefined ? {} : { body: {} }),
          },
        });
      }
    }
    if (output === undefined) continue;
    for (const response of operation.responses) {
      const statusCode = Number(response.code);
      // A range or `default` names no one status to ask with; Prism compiles it when it is first met.
      if (!Number.isInteger(statusCode)) continue;
      const mediaTypes = (response.contents ?? []).map((content) => content.mediaType);
      // Its headers' schema is compiled with the first of these; a body's schema needs a body.
      for (const mediaType of mediaTypes.length === 0 ? [undefined] : mediaTypes) {
        output({
          resource: operation,
          element: { statusCode, headers: mediaType === undefined ? {} : { "content-type": mediaType }, body: {} },
        });
      }
    }
  }
}
