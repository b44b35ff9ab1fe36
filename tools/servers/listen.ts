/**
 * Listening and closing, the same for the mock and the proxy: bind a Node server to 127.0.0.1, give back
 * its URL and a `close()` that stops accepting connections, drops open ones and resolves once the server
 * is closed; and `closeOnSignal`, which closes a running server once on SIGTERM or SIGINT.
 *
 * Inputs: a created (not yet listening) http or https server, a port (0 picks a free one).
 * Outputs: `{ url, close() }`. Rejects when the port cannot be bound.
 */
import type { Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { errorMessage } from "../cli-args.js";

/** The only interface the mock and the proxy listen on. */
export const HOST = "127.0.0.1";

export interface ListeningServer {
  /** `http(s)://127.0.0.1:<port>` */
  url: string;
  /** Stops accepting connections, drops open ones and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Listens on HOST:port; `onClose` runs while closing (e.g. to destroy an upstream agent). */
export async function listen(
  server: HttpServer | HttpsServer,
  port: number,
  options: { tls?: boolean; onClose?: () => void } = {},
): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `${options.tls === true ? "https" : "http"}://${HOST}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        options.onClose?.();
      }),
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
