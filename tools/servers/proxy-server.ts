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
 * bytes as they came, plus an `sl-violations` header when something was reported.
 *
 * Without `errors` traffic is never blocked: violations are only reported. With `errors`, a request
 * that breaks the contract is answered by the proxy without reaching the upstream (401 for missing
 * credentials, else the front's Status or 422 Invalid with one cause per violation), and an answer
 * that breaks it is replaced by a 502 Status naming each violation. Bodies over the apiserver's 3 MiB
 * are refused with 413 in both modes (the proxy buffers bodies to validate them; the apiserver would
 * refuse them too). A failed upstream call is a 502 Status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createInstance, type IHttpConfig, type IHttpRequest, type IHttpResponse } from "@stoplight/prism-http";
import { createLogger, type IPrismDiagnostic } from "@stoplight/prism-core";
import { failureStatus, type Status } from "../../src/status/status.js";
import { bodyTooLargeStatus, MAX_BODY_BYTES } from "./apiserver-rules.js";
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
import { HOST, listen, type ListeningServer } from "./listen.js";
import { mediaTypeEssence } from "./media-type.js";
import { installSuffixAwareMediaTypeMatch } from "./prism-internals.js";
import { readBody, type BodyRead } from "./request-body.js";
import { loadOperations, type PrismOperation, type Profile } from "./spec.js";
import { sendStatus, setViolationsHeader, type Violation } from "./send-status.js";
import {
  createUpstream,
  endToEndHeaders,
  send,
  type ForwardedRequest,
  type UpstreamReply,
  type UpstreamTls,
} from "./upstream.js";
import { isError, toCause, toViolation, violationLine } from "./violations.js";

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
}

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

/** The upstream's answer as Prism validates it: flat headers, body parsed when it is JSON. */
function toPrismResponse(reply: UpstreamReply): IHttpResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const essence = mediaTypeEssence(headers["content-type"] ?? "") ?? "";
  const text = reply.body.toString("utf8");
  let body: unknown = text;
  if (essence === "application/json" || essence.endsWith("+json")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { statusCode: reply.statusCode, headers, ...(reply.body.length === 0 ? {} : { body }) };
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

function relay(response: ServerResponse, reply: UpstreamReply, violations: Violation[]): void {
  setViolationsHeader(response, violations);
  response.writeHead(reply.statusCode, { ...endToEndHeaders(reply.headers), "content-length": reply.body.length });
  response.end(reply.body);
}

export async function startProxyServer(options: ProxyServerOptions): Promise<ProxyServer> {
  installSuffixAwareMediaTypeMatch();
  const operations = await loadOperations(options.specPath, options.profile);
  const routes = operations.map(toRoute);
  const upstream = createUpstream(options.upstream, options.upstreamTls);
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

  /** Reports a failed upstream call and answers it with a 502 Status. */
  const answerUpstreamFailure = (response: ServerResponse, exchange: string, error: unknown): void => {
    const status = failureStatus(
      502,
      `upstream ${upstream.url.origin} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    options.report(`upstream: ${exchange}: ${status.message}`);
    sendStatus(response, status);
  };

  /** Forwards without validation (a path the contract does not have). */
  async function forwardUnchecked(response: ServerResponse, exchange: string, forwarded: ForwardedRequest): Promise<void> {
    try {
      relay(response, await send(upstream, forwarded), []);
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
    let reply: UpstreamReply | undefined;
    // One instance per request: its forwarder sends this request's bytes and keeps the raw reply.
    const prism = createInstance(config, {
      logger,
      forward: (input) => () => async () => {
        if (input.validations.some(isError)) return { _tag: "Left", left: new RequestRefused(input.validations) };
        try {
          reply = await send(upstream, forwarded);
        } catch (error) {
          return { _tag: "Left", left: new UpstreamFailed(error instanceof Error ? error.message : String(error)) };
        }
        return { _tag: "Right", right: toPrismResponse(reply) };
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
      if (error instanceof UpstreamFailed) {
        answerUpstreamFailure(response, exchange, error);
        return;
      }
      throw error;
    }
    const { output, validations } = result.right;
    if (reply === undefined) throw new Error("Prism answered without calling the upstream");
    const requestViolations = [
      ...(refusal === undefined ? [] : [refusalViolation(refusal)]),
      ...validations.input.map((diagnostic) => toViolation(diagnostic, "request")),
    ];
    const responseViolations = validations.output.map((diagnostic) => toViolation(diagnostic, "response"));
    reportAll(exchange, requestViolations);
    reportAll(`${exchange} → ${reply.statusCode}`, responseViolations);
    const outputErrors = validations.output.filter(isError);
    if (options.errors && outputErrors.length > 0) {
      const causes = outputErrors.map((diagnostic) => toCause(diagnostic, output.body, []));
      const listed = causes.map((cause) => (cause.field === undefined ? cause.message : `${cause.field}: ${cause.message}`));
      const status = failureStatus(502, `the upstream's ${reply.statusCode} answer breaks the contract: ${listed.join("; ")}`, {
        causes,
      });
      sendStatus(response, status, { violations: responseViolations });
      return;
    }
    relay(response, reply, [...requestViolations, ...responseViolations]);
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

  const server = createServer((request, response) => {
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
  return listen(server, options.port, { onClose: () => upstream.agent.destroy() });
}
