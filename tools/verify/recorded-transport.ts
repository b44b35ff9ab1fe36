/**
 * Recorded exchanges of `verify` with a real apiserver, so that `npm test` re-runs the whole verify
 * (schema drift, predictions, contract checks) with today's contract and engine against what each server
 * of the version matrix answered, without Go.
 *
 * `recordingTransport(live)` passes every request to `live` and keeps it with its answer;
 * `replayTransport(exchanges)` answers the same requests in the same order from the recording and fails,
 * naming the command that renews it, as soon as a request differs (the probes changed). Requests are kept
 * as method, path and the sha256 of the body (the 3 MiB probe stays out of the fixture); answers as status,
 * the headers verify reads (content-type, warning) and the body, the server's OpenAPI document trimmed to
 * what the comparison reads (src/verify/schema-drift.ts trimServerDocument).
 */
import { createHash } from "node:crypto";
import { trimServerDocument } from "../../src/verify/schema-drift.js";
import { type ClusterAnswer, type ClusterRequest, type Transport, warningsOf } from "../../src/verify/transport.js";

export interface RecordedExchange {
  request: { method: string; path: string; anonymous?: true; contentType?: string; bodySha256?: string };
  answer: { status: number; contentType?: string; warnings?: string[]; body: string };
}

function requestKey(request: ClusterRequest): RecordedExchange["request"] {
  const contentType = request.headers?.["content-type"];
  return {
    method: request.method,
    path: request.path,
    ...(request.anonymous === true ? { anonymous: true as const } : {}),
    ...(contentType === undefined ? {} : { contentType }),
    ...(request.body === undefined ? {} : { bodySha256: createHash("sha256").update(request.body).digest("hex") }),
  };
}

function keptAnswer(request: ClusterRequest, answer: ClusterAnswer): RecordedExchange["answer"] {
  const warnings = warningsOf(answer);
  const contentType = answer.headers["content-type"];
  let body = answer.body;
  if (request.path === "/openapi/v3/api/v1" && answer.status === 200) body = JSON.stringify(trimServerDocument(JSON.parse(body)));
  return {
    status: answer.status,
    ...(contentType === undefined ? {} : { contentType }),
    ...(warnings.length === 0 ? {} : { warnings }),
    body,
  };
}

export function recordingTransport(live: Transport): { transport: Transport; exchanges: RecordedExchange[] } {
  const exchanges: RecordedExchange[] = [];
  const transport: Transport = {
    origin: live.origin,
    async send(request) {
      const answer = await live.send(request);
      exchanges.push({ request: requestKey(request), answer: keptAnswer(request, answer) });
      return answer;
    },
  };
  return { transport, exchanges };
}

export class StaleRecordingError extends Error {
  override name = "StaleRecordingError";
}

export function replayTransport(exchanges: readonly RecordedExchange[], origin: string, renew: string): Transport {
  let next = 0;
  return {
    origin,
    async send(request) {
      const recorded = exchanges[next];
      const asked = requestKey(request);
      if (recorded === undefined || JSON.stringify(recorded.request) !== JSON.stringify(asked)) {
        throw new StaleRecordingError(
          `request ${next + 1} (${asked.method} ${asked.path}) is not the one recorded (${recorded === undefined ? "none" : `${recorded.request.method} ${recorded.request.path}`}): the probes changed; run: ${renew}`,
        );
      }
      next += 1;
      const headers: Record<string, string> = {};
      if (recorded.answer.contentType !== undefined) headers["content-type"] = recorded.answer.contentType;
      if (recorded.answer.warnings !== undefined) headers.warning = recorded.answer.warnings.join(", ");
      return { status: recorded.answer.status, headers, body: recorded.answer.body };
    },
  };
}
