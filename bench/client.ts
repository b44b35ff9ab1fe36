/**
 * Benchmark: per-PATCH time of the generated client (`createPodPatchClient` from src/index.ts) against
 * a raw `fetch` sending the same body and headers, and against bare openapi-fetch `client.PATCH`, all
 * on the same keep-alive node:http server on 127.0.0.1 (bench/support/patch-server.ts), each call
 * reading the Pod it gets back. After a warm-up, every round runs each variant for `callsPerRound`
 * sequential calls in a block of its own, the order of the blocks rotating from round to round; the
 * figure is the median over rounds of the mean time per call, the ratio the median of the per-round
 * ratios. Blocks, not calls interleaved one by one: fetch finishes part of its work (stream and socket
 * bookkeeping, garbage) after its promise resolves, and interleaved calls charged that to whichever
 * variant came next — with a fixed rotation, mostly the same one (identical client code measured 0.74x
 * and 1.03x raw fetch depending only on its place). A fourth variant, raw fetch again, is the A/A
 * control: its ratio to raw fetch shows what the method itself does (about 1.00x).
 * Goal: ours ≤ 1.10× raw fetch. The client builds a real Request for every call (without openapi-fetch
 * since docs/decisions/0017-client-without-openapi-fetch.md), which its own node:http transport
 * (src/client/transport.ts) sends; its per-attempt timeout and retry bookkeeping are part of the figure.
 */
import createClient from "openapi-fetch";
import type { paths } from "../generated/openapi.js";
import { createPodPatchClient, type PatchPodRequest } from "../src/index.js";
import { median, pairedRatio, progress } from "./support/measure.js";
import { startPatchServer } from "./support/patch-server.js";
import { row, type BenchReport } from "./support/report.js";

const warmUpCalls = 500;
const rounds = 123;
const callsPerRound = 100;

const token = "bench-token-3f9a1c7e";
const patch: Extract<PatchPodRequest, { contentType: "application/merge-patch+json" }> = {
  namespace: "default",
  name: "hello-world",
  contentType: "application/merge-patch+json",
  body: { metadata: { labels: { release: "canary", tier: null } } },
};
const headers = { Authorization: `Bearer ${token}`, "Content-Type": patch.contentType };

type Variant = "ours" | "openapiFetch" | "rawFetch" | "rawFetchControl";

export async function benchClient(): Promise<BenchReport> {
  const server = await startPatchServer();
  try {
    const url = `${server.baseUrl}/api/v1/namespaces/${patch.namespace}/pods/${patch.name}`;
    const ours = createPodPatchClient({ baseUrl: server.baseUrl, credentials: { bearerToken: token } });
    const bare = createClient<paths>({ baseUrl: server.baseUrl });
    const raw = async () => (await fetch(url, { method: "PATCH", headers, body: JSON.stringify(patch.body) })).json();
    const calls: Record<Variant, () => Promise<unknown>> = {
      ours: async () => (await ours.patchPod(patch)).data,
      openapiFetch: async () =>
        (
          await bare.PATCH("/api/v1/namespaces/{namespace}/pods/{name}", {
            params: { path: { namespace: patch.namespace, name: patch.name } },
            body: patch.body,
            headers,
          })
        ).data,
      rawFetch: raw,
      rawFetchControl: raw,
    };
    const variants = Object.keys(calls) as Variant[];

    for (const variant of variants) {
      const pod = (await calls[variant]()) as { metadata?: { name?: string } } | undefined;
      if (pod?.metadata?.name !== "hello-world") throw new Error(`client: the ${variant} call did not get the Pod back`);
    }
    progress(`client: warm-up, then ${rounds} rounds × ${callsPerRound} PATCHes × ${variants.length} variants`);
    for (let call = 0; call < warmUpCalls; call += 1) for (const variant of variants) await calls[variant]();

    const perCallUs = Object.fromEntries(variants.map((variant) => [variant, [] as number[]])) as Record<Variant, number[]>;
    const requestsBefore = server.requests();
    for (let round = 0; round < rounds; round += 1) {
      const shift = round % variants.length;
      for (const variant of [...variants.slice(shift), ...variants.slice(0, shift)]) {
        const started = performance.now();
        for (let call = 0; call < callsPerRound; call += 1) await calls[variant]();
        perCallUs[variant].push(((performance.now() - started) * 1000) / callsPerRound);
      }
    }
    const sent = server.requests() - requestsBefore;
    if (sent !== rounds * callsPerRound * variants.length)
      throw new Error(`client: expected ${rounds * callsPerRound * variants.length} requests, the server saw ${sent}`);

    const us = Object.fromEntries(variants.map((variant) => [variant, median(perCallUs[variant])])) as Record<Variant, number>;
    const oursRatio = pairedRatio(perCallUs.ours, perCallUs.rawFetch);
    const spread = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} µs`;
    return {
      name: "client (per PATCH on 127.0.0.1, keep-alive, merge patch, Pod read back)",
      rows: [
        row({
          benchmark: "client: createPodPatchClient vs raw fetch",
          unit: "µs",
          ours: us.ours,
          baseline: us.rawFetch,
          ratio: oursRatio,
          goal: "≤ 1.10×",
          met: oursRatio <= 1.1,
        }),
        row({
          benchmark: "client: raw fetch vs itself (A/A control of the method)",
          unit: "µs",
          ours: us.rawFetchControl,
          baseline: us.rawFetch,
          ratio: pairedRatio(perCallUs.rawFetchControl, perCallUs.rawFetch),
          goal: "—",
        }),
        row({
          benchmark: "client: bare openapi-fetch vs raw fetch",
          unit: "µs",
          ours: us.openapiFetch,
          baseline: us.rawFetch,
          ratio: pairedRatio(perCallUs.openapiFetch, perCallUs.rawFetch),
          goal: "—",
        }),
      ],
      details: [
        `${rounds} rounds, each a block of ${callsPerRound} calls per variant (block order rotating), after ${warmUpCalls} warm-up calls each; figures are medians of the per-round means, ratios medians of the per-round ratios`,
        `per-round range: ours ${spread(perCallUs.ours)}, openapi-fetch ${spread(perCallUs.openapiFetch)}, raw fetch ${spread(perCallUs.rawFetch)}`,
        `ours / bare openapi-fetch: ${pairedRatio(perCallUs.ours, perCallUs.openapiFetch).toFixed(3)}×`,
        `response body: ${server.podJson.length} bytes of JSON`,
      ],
    };
  } finally {
    await server.close();
  }
}
