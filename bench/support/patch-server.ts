/**
 * A minimal apiserver stand-in on 127.0.0.1 for the client and size benchmarks: it answers every
 * request, once its body has been read, with 200 and the contract's `PodHelloWorld` example as JSON,
 * keeping connections alive. It counts requests so a benchmark can check its calls reached it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readBundle } from "../../tools/pipeline/generate.js";

export interface PatchServer {
  baseUrl: string;
  /** The JSON every request is answered with. */
  podJson: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startPatchServer(): Promise<PatchServer> {
  const examples = (readBundle().document as { components: { examples: Record<string, { value: unknown }> } }).components
    .examples;
  const podJson = JSON.stringify(examples.PodHelloWorld?.value);
  const headers = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(podJson)) };
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests += 1;
      response.writeHead(200, headers).end(podJson);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    podJson,
    requests: () => requests,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
