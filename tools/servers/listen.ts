/**
 * Listening and closing, the same for the mock and the proxy: bind a Node server to 127.0.0.1 (and, when
 * asked, to ::1 on the same port), give back its URL and a `close()` that stops accepting connections,
 * drops open ones and resolves once the server is closed; and `closeOnSignal`, which closes a running
 * server once on SIGTERM or SIGINT.
 *
 * Inputs: a created (not yet listening) http or https server — made with `serverOptions(limits)` so that
 * Node enforces the time limits — a port (0 picks a free one), and the options below. Outputs:
 * `{ url, close() }`. Rejects when the port cannot be bound.
 *
 * What a client cannot do to a listening server (ServerLimits, defaults in SERVER_LIMITS):
 * - hold a connection by sending its headers slowly: they must be complete within `headersTimeoutMs`
 *   (the apiserver allows 32 s, ReadHeaderTimeout in k8s.io/apiserver/pkg/server/secure_serving.go), and
 *   the whole request, body included, within `requestTimeoutMs`; Node answers 408 and closes otherwise;
 * - open connections without end: beyond `maxConnections` open at once, new ones are closed at once;
 * - speak plain HTTP to a TLS port and get silence: like Go's HTTP server, a request that starts with
 *   `GET /`, `HEAD `, `POST `, `PUT /` or `OPTIO` gets "400 Bad Request … Client sent an HTTP request to
 *   an HTTPS server." and anything else that is not a TLS handshake is closed (net/http's
 *   tlsRecordHeaderLooksLikeHTTP, which does not list PATCH).
 */
import type { Server as HttpServer, ServerOptions } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { errorMessage } from "../cli-args.js";

/** The interface the mock and the proxy announce and always listen on. */
export const HOST = "127.0.0.1";

/** The IPv6 loopback, where the mock also listens (its certificate names it). */
export const HOST_IPV6 = "::1";

export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export const SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 512 };

/**
 * Options for http(s).createServer: the time limits, checked every 500 ms at most (Node's default check
 * runs every 30 s, which would let a slow client stay that much longer), and Node's keep-alive raised to
 * 60 s (its 5 s default lets a busy client reuse a connection the server is just closing: "fetch failed").
 */
export function serverOptions(limits: ServerLimits = SERVER_LIMITS): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(500, limits.headersTimeoutMs / 2),
    keepAliveTimeout: 60_000,
  };
}

export interface ListeningServer {
  /** `http(s)://127.0.0.1:<port>` */
  url: string;
  /** Stops accepting connections, drops open ones and resolves when the server is closed. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** The server speaks TLS: the URL is https, and plain HTTP on the port is answered as Go answers it. */
  tls?: boolean;
  /** Runs while closing (e.g. to destroy an upstream agent). */
  onClose?: () => void;
  /** Also listen on ::1, same port (skipped where the machine has no IPv6 loopback). */
  ipv6Loopback?: boolean;
  limits?: ServerLimits;
}

const HTTP_OVER_TLS_ANSWER = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
const HTTP_REQUEST_STARTS = new Set(["GET /", "HEAD ", "POST ", "PUT /", "OPTIO"]);
/** The first byte of a TLS record that carries a handshake (a ClientHello opens every TLS connection). */
const TLS_HANDSHAKE = 0x16;

/**
 * Reads the first bytes of a connection to a TLS port: a handshake goes on to TLS (`accept`); five bytes
 * that start an HTTP request get Go's 400; anything else, or nothing within `timeoutMs`, is closed.
 */
function sniffTls(socket: Socket, timeoutMs: number, accept: () => void): void {
  let head = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    if (head[0] !== TLS_HANDSHAKE && head.length < 5) return;
    socket.off("data", onData);
    clearTimeout(timer);
    socket.pause();
    if (head[0] === TLS_HANDSHAKE) {
      socket.unshift(head);
      accept();
      process.nextTick(() => socket.resume());
    } else if (HTTP_REQUEST_STARTS.has(head.subarray(0, 5).toString("latin1"))) {
      socket.end(HTTP_OVER_TLS_ANSWER);
    } else {
      socket.destroy();
    }
  };
  socket.on("data", onData);
  socket.once("close", () => clearTimeout(timer));
}

/**
 * Puts the connection cap (and, for TLS, the sniffing above) in front of the server's own connection
 * handling (http's connection listener; for https, the TLS one), which runs once a connection passes.
 */
function guardConnections(server: HttpServer | HttpsServer, limits: ServerLimits, tls: boolean): Set<Socket> {
  const handlers = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const open = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    if (open.size >= limits.maxConnections) {
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    const accept = (): void => {
      for (const handler of handlers) handler.call(server, socket);
    };
    if (tls) sniffTls(socket, limits.headersTimeoutMs, accept);
    else accept();
  });
  return open;
}

function bind(server: HttpServer | HttpsServer | NetServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function closeServer(server: HttpServer | HttpsServer | NetServer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

/**
 * A server on ::1 that hands its connections to `server` (so one server, with one set of limits, answers
 * both loopbacks), on `port`; undefined where this machine has no IPv6 loopback. Rejects when the port is
 * taken there.
 */
async function bindIpv6(server: HttpServer | HttpsServer, port: number): Promise<NetServer | undefined> {
  const forwarder = createNetServer((socket) => server.emit("connection", socket));
  try {
    await bind(forwarder, port, HOST_IPV6);
    return forwarder;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT") return undefined;
    throw error;
  }
}

/** Listens on HOST:port (and ::1:port with `ipv6Loopback`), with the limits and, for TLS, Go's answer to plain HTTP. */
export async function listen(
  server: HttpServer | HttpsServer,
  port: number,
  options: ListenOptions = {},
): Promise<ListeningServer> {
  const limits = options.limits ?? SERVER_LIMITS;
  const open = guardConnections(server, limits, options.tls === true);
  let ipv6: NetServer | undefined;
  // With port 0 the free port is picked on 127.0.0.1; should ::1 have it taken, another is tried.
  for (let attempt = 1; ; attempt++) {
    await bind(server, port, HOST);
    if (options.ipv6Loopback !== true) break;
    try {
      ipv6 = await bindIpv6(server, (server.address() as AddressInfo).port);
      break;
    } catch (error) {
      await closeServer(server);
      if (port !== 0 || attempt >= 5) throw error;
    }
  }
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `${options.tls === true ? "https" : "http"}://${HOST}:${bound}`,
    close: async () => {
      const closing = Promise.all([closeServer(server), ...(ipv6 === undefined ? [] : [closeServer(ipv6)])]);
      server.closeAllConnections();
      for (const socket of open) socket.destroy();
      options.onClose?.();
      await closing;
    },
  };
}

/**
 * Serves until SIGTERM or SIGINT, then closes the server once; a failure while closing is printed
 * and makes the process exit 2.
 */
export function closeOnSignal(name: string, server: { close(): Promise<void> }): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().catch((error: unknown) => {
      console.error(`${name}: error while closing: ${errorMessage(error)}`);
      process.exitCode = 2;
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
