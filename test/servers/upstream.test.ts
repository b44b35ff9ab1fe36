/**
 * Unit test for the proxy's upstream connection (tools/servers/upstream.ts `send`): a request sent on a
 * kept-alive connection that the upstream resets before answering — what happens when an idle connection
 * is closed by the upstream just as the proxy reuses it — is sent again, and answered, also when the
 * agent's next kept-alive connection is reset too; a reset on a new connection is not retried. The upstream is a raw TCP server on 127.0.0.1
 * that answers the first request of every connection and resets the connection at the second.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedWhileIdle, createUpstream, send } from "../../tools/servers/upstream.js";

const ANSWER = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}";

let server: Server;
let url = "";
/** For each connection, how many requests it received. */
const requestsPerConnection: number[] = [];
/** When set, every connection is reset at its first request. */
let resetAtOnce = false;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const connection = requestsPerConnection.push(0) - 1;
    socket.on("data", (chunk: Buffer) => {
      // One request per chunk: each test request is small and sent in one write.
      if (!chunk.toString("latin1").includes("\r\n\r\n")) return;
      requestsPerConnection[connection] = (requestsPerConnection[connection] ?? 0) + 1;
      if (resetAtOnce || (requestsPerConnection[connection] ?? 0) > 1) socket.resetAndDestroy();
      else socket.write(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const request = { method: "PATCH", pathAndQuery: "/api/v1/namespaces/default/pods/web", headers: {}, body: Buffer.from("{}") };

async function statusOf(upstream: ReturnType<typeof createUpstream>): Promise<number> {
  const answer = await send(upstream, request, 5_000);
  answer.body.resume();
  await new Promise((resolve) => answer.body.on("end", resolve));
  return answer.statusCode;
}

describe("send", () => {
  it("sends a request reset on a reused kept-alive connection once more, on a new connection", async () => {
    requestsPerConnection.length = 0;
    const upstream = createUpstream(url, {});
    expect(await statusOf(upstream)).toBe(200);
    // The same connection, kept alive by the agent: reset there, answered on a new one.
    expect(await statusOf(upstream)).toBe(200);
    expect(requestsPerConnection).toEqual([2, 1]);
    upstream.agent.destroy();
  });

  it("sends it again while the connection it was reset on was a reused one: two idle connections reset in turn", async () => {
    requestsPerConnection.length = 0;
    const upstream = createUpstream(url, {});
    // Two connections at once, both kept alive by the agent afterwards; each resets its second request.
    expect(await Promise.all([statusOf(upstream), statusOf(upstream)])).toEqual([200, 200]);
    expect(await statusOf(upstream)).toBe(200);
    expect(requestsPerConnection).toEqual([2, 2, 1]);
    upstream.agent.destroy();
  });

  it("does not send again a request reset on a new connection", async () => {
    requestsPerConnection.length = 0;
    resetAtOnce = true;
    const upstream = createUpstream(url, {});
    try {
      await expect(send(upstream, request, 5_000)).rejects.toMatchObject({ code: "ECONNRESET" });
      expect(requestsPerConnection).toEqual([1]);
    } finally {
      resetAtOnce = false;
      upstream.agent.destroy();
    }
  });

  it.each<[code: string, connection: "reused" | "new", again: boolean]>([
    ["ECONNRESET", "reused", true],
    // A body's write into the closed connection fails so (the proxy answered the 2 MB alias bomb 502 with it).
    ["EPIPE", "reused", true],
    ["ECONNRESET", "new", false],
    ["EPIPE", "new", false],
    ["ECONNREFUSED", "reused", false],
    ["ETIMEDOUT", "reused", false],
  ])("counts %s on a %s connection as one the upstream closed while idle: %s", (code, connection, again) => {
    expect(closedWhileIdle(Object.assign(new Error(code), { code }), connection === "reused")).toBe(again);
  });
});
