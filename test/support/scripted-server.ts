/**
 * A stand-in apiserver on 127.0.0.1 for the client's unit tests: it records every request (method, URL,
 * headers, body) and answers each with the next step of a script — a reply (status, headers, body), a
 * silence (never answers), a dropped connection (after reading the request), or raw bytes that are not HTTP.
 * When the script runs out, the last step repeats. Plain HTTP by default; HTTPS (optionally demanding a
 * client certificate) when given a TLS identity.
 *
 * Usage: `const server = await startScriptedServer(); server.script([{ status: 429, ... }, podReply]); ...;
 * await server.close();` — `close()` drops open connections, so a silent step never holds a test open.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Subject CN of the client certificate the request came with (HTTPS), if any. */
  clientCertificate?: string;
}

/** The Pod a script's success answers with, and that answer as a step. */
export const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "hello-world", namespace: "default" } };
export const podReply: Step = { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(pod) };

export type Step =
  | { status: number; headers?: Record<string, string>; body?: string | Buffer }
  | { silent: true }
  | { drop: true }
  | { raw: string };

export interface ScriptedServerTls {
  key: string;
  cert: string;
  /** CA(s) whose client certificates are required; without it no client certificate is asked for. */
  clientCa?: string;
}

export interface ScriptedServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replaces the script and forgets the recorded requests. */
  script(steps: Step[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer(tls?: ScriptedServerTls): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  let steps: Step[] = [{ status: 200, body: "{}" }];
  let served = 0;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const peer = (req.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } }).getPeerCertificate?.();
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        ...(peer?.subject?.CN === undefined ? {} : { clientCertificate: peer.subject.CN }),
      });
      const step = steps[Math.min(served, steps.length - 1)]!;
      served += 1;
      if ("silent" in step) return;
      if ("drop" in step) {
        req.socket.destroy();
        return;
      }
      if ("raw" in step) {
        req.socket.end(step.raw);
        return;
      }
      res.writeHead(step.status, step.headers).end(step.body ?? "");
    });
  };
  const server =
    tls === undefined
      ? createHttpServer(handle)
      : createHttpsServer(
          {
            key: tls.key,
            cert: tls.cert,
            ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
          },
          handle,
        );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `${tls === undefined ? "http" : "https"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    script(next) {
      steps = next;
      served = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A base URL on which nothing listens: a port that was just bound and released. */
export async function refusedBaseUrl(): Promise<string> {
  const probe = createHttpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}
