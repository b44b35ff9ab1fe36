/**
 * Validating proxy: a Node HTTP server on 127.0.0.1 that forwards every request to a real API
 * server (the upstream) and checks request and answer against the bundled contract.
 *
 * Input: `startProxyServer({ specPath, profile?, port, upstream, upstreamTls, errors, report })`.
 * Output: `{ url, close() }`; `report` receives one line per violation (tools/servers/violations.ts
 * `violationLine`: what, where, which rule) and one per failed upstream call.
 * Rejects at start like the mock (spec, Prism internals, port) and for an upstream URL that is not
 * http(s).
 *
 * Design: the same front as the mock (tools/servers/front.ts: routing, 413/415/400/PatchOptions checks,
 * decoding by media type) and the same Prism core with the same suffix-aware media-type fix, in
 * proxy mode (`isProxy`, `upstream`) with our own `forward` component (tools/servers/upstream.ts) instead
 * of Prism's: Prism's forwarder re-serializes the parsed body (an apply patch would leave as JSON,
 * not YAML) and cannot take a CA, a client certificate or a key. Ours sends the client's bytes and
 * headers as they came (X-Auth-Token, Authorization untouched), and the client gets the upstream's
 * bytes as they came, plus an `sl-violations` header when something was reported. Like the mock, it compiles
 * every validator Prism will run before it listens (tools/servers/warm-validators.ts), so that no client's
 * first request pays for it.
 *
 * Without `errors` traffic is never blocked: violations are only reported (a request the front cannot
 * even read — a bad escape in its path, an Accept header Prism chokes on — still goes to the upstream as
 * it came). With `errors`, a request that breaks the contract is answered by the proxy without reaching
 * the upstream (401 for missing credentials, else the front's Status or 422 Invalid with one cause per
 * violation), and an answer that breaks it — a status code the operation does not declare included — is
 * replaced by a 502 Status (reason BadGateway) naming each violation. Request bodies over the apiserver's
 * 3 MiB are refused with 413 in both modes (the proxy reads request bodies to validate them; the apiserver
 * would refuse them too).
 *
 * Answers stream: the upstream's body goes to the client as it arrives, so a watch (`?watch=…`,
 * `stream=watch`) works and a 300 MB list costs no more memory than a small one. Only an answer of a
 * contract operation up to MAX_VALIDATED_BYTES is read whole first, to be validated (its gzip, deflate or
 * br encoding undone for that, up to the same size); a larger one, a watch, or one whose encoding cannot be
 * read is relayed with its status and headers validated and a report that its body was not. The upstream
 * must answer (headers) within `timeoutMs`, and a validated answer must also end within it; otherwise
 * the client gets a 504 Status (reason Timeout). A failed upstream call is a 502 Status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createInstance, type IHttpConfig, type IHttpRequest, type IHttpResponse } from "@stoplight/prism-http";
import { createLogger, type IPrismDiagnostic } from "@stoplight/prism-core";
import { failureStatus, type Status, type StatusCause } from "../../src/status/status.js";
import { bodyTooLargeStatus, MAX_BODY_BYTES, malformedPathStatus } from "./apiserver-rules.js";
import {
  checkBody,
  checkContentType,
  findRoute,
  isStatus,
  routeRefusal,
  takesBody,
  toPrismRequest,
  toRoute,
  violationStatus,
} from "./front.js";
import { HOST, listen, type ListeningServer, SERVER_LIMITS, type ServerLimits, serverOptions } from "./listen.js";
import { mediaTypeEssence } from "./media-type.js";
import { installPrismAdjustments, loadValidators } from "./prism-internals.js";
import { readBody, type BodyRead } from "./request-body.js";
import { loadOperations, type PrismOperation, type Profile } from "./spec.js";
import { sendStatus, setViolationsHeader, type Violation } from "./send-status.js";
import {
  createUpstream,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  decodedBody,
  endToEndHeaders,
  type ForwardedRequest,
  readBounded,
  send,
  type UpstreamAnswer,
  UpstreamTimeout,
  type UpstreamTls,
} from "./upstream.js";
import { isError, toCause, toViolation, violationLine } from "./violations.js";
import { warmValidators } from "./warm-validators.js";

export interface ProxyServerOptions {
  /** Bundled spec to validate against. */
  specPath: string;
  /** `cce` keeps JSON Patch to CCE's documented operations (tools/servers/spec.ts); default `kubernetes`. */
  profile?: Profile;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Base URL of the real API server, http or https. */
  upstream: string;
  /** CA, client certificate/key and `insecure` for an https upstream. */
  upstreamTls: UpstreamTls;
  /** Refuse requests and replace answers that break the contract instead of only reporting them. */
  errors: boolean;
  /** Receives one line per violation and per failed upstream call. */
  report: (line: string) => void;
  /** How long the upstream may take to answer (and a validated answer to end); default 60 s. */
  timeoutMs?: number;
  /** Time and connection limits for clients (tools/servers/listen.ts); default SERVER_LIMITS. */
  limits?: ServerLimits;
}

/** The largest answer body the proxy reads whole to validate it (the apiserver's request limit, 3 MiB). */
export const MAX_VALIDATED_BYTES = MAX_BODY_BYTES;

/** `url` is `http://127.0.0.1:<port>`. */
export type ProxyServer = ListeningServer;

/** Raised inside Prism's pipeline (our `forward`) when `errors` is on and the request broke the contract. */
class RequestRefused extends Error {
  constructor(readonly diagnostics: IPrismDiagnostic[]) {
    super("the request breaks the contract");
  }
}

/** Raised inside Prism's pipeline when the upstream could not be reached or answered nothing usable. */
class UpstreamFailed extends Error {}

/** Raised inside Prism's pipeline when the upstream did not answer in time. */
class UpstreamTimedOut extends Error {}

/**
 * An upstream answer as the proxy holds it: read whole (`bytes`), or being streamed (`head`: what was
 * read before it was found too large, `unread`: why the body is not validated).
 */
type Collected = { answer: UpstreamAnswer; bytes: Buffer } | { answer: UpstreamAnswer; head: Buffer[]; unread: string };

/** A watch the client asked for (`?watch=true`, Go's ParseBool spellings) or the upstream answers with. */
function isWatch(forwarded: ForwardedRequest, answer: UpstreamAnswer): boolean {
  const query = new URL(forwarded.pathAndQuery, "http://placeholder").searchParams.get("watch");
  const asked = query !== null && ["1", "t", "T", "true", "TRUE", "True"].includes(query);
  const accept = String(forwarded.headers.accept ?? "");
  return asked || /stream=watch/i.test(accept) || /stream=watch/i.test(String(answer.headers["content-type"] ?? ""));
}

/** What validation needs of an answer: its whole body when small and not a stream; otherwise nothing more. */
async function collect(answer: UpstreamAnswer, forwarded: ForwardedRequest, timeoutMs: number): Promise<Collected> {
  if (isWatch(forwarded, answer)) return { answer, head: [], unread: "a watch stream is relayed as it comes" };
  const tooLarge = `larger than the ${MAX_VALIDATED_BYTES} bytes the proxy reads to validate; relayed as it comes`;
  if (Number(answer.headers["content-length"] ?? "0") > MAX_VALIDATED_BYTES) return { answer, head: [], unread: tooLarge };
  const read = await readBounded(answer.body, MAX_VALIDATED_BYTES, timeoutMs);
  return read.complete ? { answer, bytes: read.bytes } : { answer, head: read.head, unread: tooLarge };
}

/** The upstream's answer as Prism validates it: flat headers, body parsed when it is JSON and could be read. */
function toPrismResponse(collected: Collected): { response: IHttpResponse; unread?: string } {
  const { answer } = collected;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (!("bytes" in collected)) return { response: { statusCode: answer.statusCode, headers }, unread: collected.unread };
  const decoded = decodedBody(collected.bytes, headers["content-encoding"], MAX_VALIDATED_BYTES);
  if (typeof decoded === "string")
    return { response: { statusCode: answer.statusCode, headers }, unread: `its body is not validated: ${decoded}` };
  const essence = mediaTypeEssence(headers["content-type"] ?? "") ?? "";
  const text = decoded.toString("utf8");
  let body: unknown = text;
  if (essence === "application/json" || essence.endsWith("+json")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { response: { statusCode: answer.statusCode, headers, ...(decoded.length === 0 ? {} : { body }) } };
}

/** The proxy's own 502: not an apiserver answer, so it gets HTTP's name for a reason. */
function badGateway(message: string, causes?: StatusCause[]): Status {
  return { ...failureStatus(502, message, causes === undefined ? undefined : { causes }), reason: "BadGateway" };
}

/**
 * Runs the front's body checks (415, PatchOptions, then the apiserver's decoding: 400, 413, 422, 500)
 * and puts the decoded body into the Prism request; returns the Status the mock would refuse the
 * request with, if any.
 */
function decodeForPrism(
  operation: PrismOperation,
  request: IncomingMessage,
  bytes: Buffer,
  url: URL,
  prismRequest: IHttpRequest,
): Status | undefined {
  const contentType = checkContentType(operation, request.headers["content-type"]);
  if (isStatus(contentType)) return contentType;
  const checked = checkBody(operation, contentType.essence, bytes, url);
  if (isStatus(checked)) return checked;
  prismRequest.body = checked.value;
  // Prism re-parses Content-Type; hand it the accepted media type without parameters.
  prismRequest.headers = { ...prismRequest.headers, "content-type": contentType.essence };
  return undefined;
}

/** A violation for a request the front refused (its Status names the problem and, as reason, the rule). */
function refusalViolation(status: Status): Violation {
  return { location: ["request"], severity: "Error", code: status.reason || status.code, message: status.message ?? "" };
}

/** Relays an answer: the bytes read so far, then (for a stream) the rest as it arrives; the upstream is dropped if the client goes. */
function relay(response: ServerResponse, collected: Collected, violations: Violation[]): void {
  const { answer } = collected;
  setViolationsHeader(response, violations);
  const length = "bytes" in collected ? collected.bytes.length : answer.headers["content-length"];
  response.writeHead(answer.statusCode, {
    ...endToEndHeaders(answer.headers),
    ...(length === undefined ? {} : { "content-length": length }),
  });
  if ("bytes" in collected) {
    response.end(collected.bytes);
    return;
  }
  response.on("close", () => answer.body.destroy());
  for (const chunk of collected.head) response.write(chunk);
  answer.body.pipe(response);
  answer.body.resume();
}

/** Prism's report of a status code the operation does not declare; a warning for non-2xx codes, which `errors` makes an error. */
function isUndeclaredStatus(diagnostic: IPrismDiagnostic): boolean {
  return diagnostic.message.startsWith("Unable to match the returned status code");
}

export async function startProxyServer(options: ProxyServerOptions): Promise<ProxyServer> {
  installPrismAdjustments();
  const operations = await loadOperations(options.specPath, options.profile);
  const routes = operations.map(toRoute);
  // Every schema compiled now, before the port is announced, not during some client's first request: Prism's
  // pipeline runs these same validators on these same operations, so it finds them compiled.
  warmValidators(operations, loadValidators());
  const upstream = createUpstream(options.upstream, options.upstreamTls);
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const logger = createLogger("proxy", { level: "silent" });
  const config: IHttpConfig = {
    checkSecurity: true,
    validateRequest: true,
    validateResponse: true,
    errors: options.errors,
    isProxy: true,
    upstream: upstream.url,
    upstreamProxy: undefined,
    mock: { dynamic: false },
  };

  const reportAll = (exchange: string, violations: Violation[]): void => {
    for (const violation of violations) options.report(violationLine(exchange, violation));
  };

  /** Reports a failed upstream call and answers it: 504 when it did not answer in time, 502 otherwise. */
  const answerUpstreamFailure = (response: ServerResponse, exchange: string, error: unknown): void => {
    const reason = error instanceof Error ? error.message : String(error);
    const status =
      error instanceof UpstreamTimeout || error instanceof UpstreamTimedOut
        ? failureStatus(504, `upstream ${upstream.url.origin} timed out: ${reason}`, {})
        : badGateway(`upstream ${upstream.url.origin} failed: ${reason}`);
    options.report(`upstream: ${exchange}: ${status.message}`);
    if (response.headersSent) response.destroy();
    else sendStatus(response, status);
  };

  /** Forwards without validation (a path the contract does not have, a request the front cannot read), streaming the answer. */
  async function forwardUnchecked(response: ServerResponse, exchange: string, forwarded: ForwardedRequest): Promise<void> {
    try {
      const answer = await send(upstream, forwarded, timeoutMs);
      relay(response, { answer, head: [], unread: "not a contract operation" }, []);
    } catch (error) {
      answerUpstreamFailure(response, exchange, error);
    }
  }

  /** Sends the request through Prism (validation) with our forwarder; answers from the outcome. */
  async function validateAndForward(
    response: ServerResponse,
    exchange: string,
    operation: PrismOperation,
    parameters: Record<string, string>,
    prismRequest: IHttpRequest,
    forwarded: ForwardedRequest,
    refusal: Status | undefined,
  ): Promise<void> {
    let collected: Collected | undefined;
    let unread: string | undefined;
    // One instance per request: its forwarder sends this request's bytes and keeps the raw answer.
    const prism = createInstance(config, {
      logger,
      forward: (input) => () => async () => {
        if (input.validations.some(isError)) return { _tag: "Left", left: new RequestRefused(input.validations) };
        try {
          collected = await collect(await send(upstream, forwarded, timeoutMs), forwarded, timeoutMs);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return {
            _tag: "Left",
            left: error instanceof UpstreamTimeout ? new UpstreamTimedOut(message) : new UpstreamFailed(message),
          };
        }
        const prepared = toPrismResponse(collected);
        unread = prepared.unread;
        return { _tag: "Right", right: prepared.response };
      },
    });
    // For a body the front refused, Prism's request report would only be noise; the refusal is reported instead.
    const result = await prism.request(prismRequest, operations, { ...config, validateRequest: refusal === undefined })();
    if (result._tag === "Left") {
      const error = result.left;
      if (error instanceof RequestRefused) {
        const violations = error.diagnostics.map((diagnostic) => toViolation(diagnostic, "request"));
        reportAll(exchange, violations);
        const errors = error.diagnostics.filter(isError);
        const status = errors.some((diagnostic) => diagnostic.code === 401)
          ? failureStatus(401, "Unauthorized")
          : violationStatus(
              operation,
              parameters,
              errors,
              prismRequest.body,
              mediaTypeEssence(String(prismRequest.headers?.["content-type"] ?? "")),
            );
        sendStatus(response, status, { violations });
        return;
      }
      if (error instanceof UpstreamFailed || error instanceof UpstreamTimedOut) {
        answerUpstreamFailure(response, exchange, error);
        return;
      }
      throw error;
    }
    const { output, validations } = result.right;
    if (collected === undefined) throw new Error("Prism answered without calling the upstream");
    const statusCode = collected.answer.statusCode;
    const requestViolations = [
      ...(refusal === undefined ? [] : [refusalViolation(refusal)]),
      ...validations.input.map((diagnostic) => toViolation(diagnostic, "request")),
    ];
    // With `errors`, an undeclared status code is a violation like any other; a body not read says so instead of failing.
    const outputDiagnostics = validations.output
      .filter((diagnostic) => unread === undefined || diagnostic.path?.[0] !== "body")
      .map((diagnostic) =>
        options.errors && isUndeclaredStatus(diagnostic) ? { ...diagnostic, severity: 0 as const } : diagnostic,
      );
    const responseViolations = [
      ...outputDiagnostics.map((diagnostic) => toViolation(diagnostic, "response")),
      ...(unread === undefined
        ? []
        : [{ location: ["response", "body"], severity: "Warning" as const, code: "not-validated", message: unread }]),
    ];
    reportAll(exchange, requestViolations);
    reportAll(`${exchange} → ${statusCode}`, responseViolations);
    const outputErrors = outputDiagnostics.filter(isError);
    if (options.errors && outputErrors.length > 0) {
      if (!("bytes" in collected)) collected.answer.body.destroy();
      const causes = outputErrors.map((diagnostic) => toCause(diagnostic, output.body, []));
      const listed = causes.map((cause) => (cause.field === undefined ? cause.message : `${cause.field}: ${cause.message}`));
      sendStatus(response, badGateway(`the upstream's ${statusCode} answer breaks the contract: ${listed.join("; ")}`, causes), {
        violations: responseViolations,
      });
      return;
    }
    relay(response, collected, [...requestViolations, ...responseViolations]);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", `http://${HOST}`);
    const method = request.method ?? "GET";
    const exchange = `${method} ${url.pathname}`;
    let read: BodyRead;
    try {
      read = await readBody(request, MAX_BODY_BYTES);
    } catch {
      response.destroy();
      return;
    }
    if (read.kind === "too-large") {
      const status = bodyTooLargeStatus();
      reportAll(exchange, [refusalViolation(status)]);
      sendStatus(response, status);
      return;
    }
    const forwarded: ForwardedRequest = { method, pathAndQuery: request.url ?? "/", headers: request.headers, body: read.bytes };
    const malformed = malformedPathStatus(request.url ?? "/");
    if (malformed !== undefined) {
      reportAll(exchange, [refusalViolation(malformed)]);
      if (options.errors) sendStatus(response, malformed);
      else await forwardUnchecked(response, exchange, forwarded);
      return;
    }
    const { match, allowed } = findRoute(routes, method.toLowerCase(), url.pathname);
    if (match === undefined) {
      const refusal = routeRefusal(allowed);
      reportAll(exchange, [refusalViolation(refusal)]);
      if (options.errors) sendStatus(response, refusal, allowed.length === 0 ? {} : { headers: { allow: allowed.join(", ") } });
      else await forwardUnchecked(response, exchange, forwarded);
      return;
    }
    const { operation, parameters } = match;
    const prismRequest = toPrismRequest(operation, url, request.headers);
    const refusal = takesBody(operation) ? decodeForPrism(operation, request, read.bytes, url, prismRequest) : undefined;
    if (refusal !== undefined && options.errors) {
      reportAll(exchange, [refusalViolation(refusal)]);
      sendStatus(response, refusal);
      return;
    }
    await validateAndForward(response, exchange, operation, parameters, prismRequest, forwarded, refusal);
  }

  const server = createServer(serverOptions(options.limits ?? SERVER_LIMITS), (request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      options.report(`proxy: internal failure on ${request.method} ${request.url}: ${message}`);
      try {
        sendStatus(response, failureStatus(500, `proxy failure: ${message}`));
      } catch {
        response.destroy();
      }
    });
  });
  return listen(server, options.port, { onClose: () => upstream.agent.destroy(), limits: options.limits ?? SERVER_LIMITS });
}
