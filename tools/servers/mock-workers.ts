/**
 * The mock on several cores (`npm run mock -- --workers N`, N ≥ 2): N worker processes (node:cluster)
 * serve HTTP(S) on the one port — TLS, the front's checks, Prism's verdict on each request — while this
 * process, the primary, owns the store and answers every GET and PATCH of a Pod and every `/mock/pods`
 * request they pass on over IPC (tools/servers/store-answers.ts: the engine, the check of the answer
 * against the contract, storing). One owner keeps the store's order: requests are answered one at a
 * time, in the order they reach it, as in a single process. Why and what it costs: docs/decisions/0016-mock-workers.md.
 *
 * Inputs: the mock's options (tools/servers/mock-server.ts) and the number of workers. Output: `{ url,
 * close() }` once every worker listens; `close()` stops the workers and resolves when they are gone.
 * Rejects when a worker cannot start (its reason). A worker that dies while serving is reported on
 * stderr and ends the mock (exit 2): the port would otherwise be served by fewer processes than asked.
 * `runMockWorker()` is a worker's side: it waits for its configuration, serves, and asks the primary.
 */
import cluster, { type Worker } from "node:cluster";
import { errorMessage } from "../cli-args.js";
import type { ListeningServer, ServerLimits } from "./listen.js";
import type { MockServerOptions, StoreOwner } from "./mock-server.js";
import type { PodAnswer } from "./pod-api.js";
import type { Profile } from "./spec.js";
import type { StoreQuestion, StoreReply } from "./store-answers.js";

/** What a worker needs to serve (the Pods stay with the primary, the store's owner). */
interface WorkerConfig {
  specPath: string;
  profile?: Profile;
  port: number;
  tls?: { key: string; cert: string; clientCa?: string };
  limits?: ServerLimits;
}

type ToWorker =
  | { type: "config"; config: WorkerConfig }
  | { type: "reply"; id: number; reply?: StoreReply | PodAnswer | null; failure?: string }
  | { type: "close" };

type FromWorker =
  | { type: "ready" }
  | { type: "listening"; url: string }
  | { type: "failed"; message: string }
  | { type: "ask"; id: number; question: StoreQuestion }
  | { type: "control"; id: number; method: string; bytes: string };

export async function startMockWorkers(options: MockServerOptions & { workers: number }): Promise<ListeningServer> {
  const { loadStoreAnswers } = await import("./store-answers.js");
  const answers = await loadStoreAnswers(options);
  const { workers: count, pods: _pods, ...served } = options;
  const config: WorkerConfig = served;
  const workers: Worker[] = [];
  let closing = false;

  const serve = (worker: Worker, message: FromWorker): void => {
    if (message.type !== "ask" && message.type !== "control") return;
    let reply: ToWorker;
    try {
      const answered =
        message.type === "ask"
          ? answers.answer(message.question)
          : (answers.control(message.method, Buffer.from(message.bytes, "latin1")) ?? null);
      reply = { type: "reply", id: message.id, reply: answered };
    } catch (error) {
      reply = { type: "reply", id: message.id, failure: errorMessage(error) };
    }
    worker.send(reply);
  };

  const stopAll = async (): Promise<void> => {
    closing = true;
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) {
              resolve();
              return;
            }
            const timer = setTimeout(() => worker.process.kill("SIGKILL"), 5_000);
            worker.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            worker.send({ type: "close" } satisfies ToWorker);
          }),
      ),
    );
  };

  const urls = await Promise.all(
    Array.from({ length: count }, () => {
      const worker = cluster.fork();
      workers.push(worker);
      return new Promise<string>((resolve, reject) => {
        worker.on("message", (message: FromWorker) => {
          // A message sent before the worker listens for one is lost: the worker says when it does.
          if (message.type === "ready") worker.send({ type: "config", config } satisfies ToWorker);
          else if (message.type === "listening") resolve(message.url);
          else if (message.type === "failed") reject(new Error(message.message));
          else serve(worker, message);
        });
        worker.once("exit", (code, signal) => {
          reject(new Error(`a mock worker exited before listening (code ${code}, signal ${signal})`));
          if (closing) return;
          console.error(`mock: worker ${worker.process.pid} exited (code ${code}, signal ${signal}); stopping`);
          process.exitCode = 2;
          void stopAll();
        });
      });
    }),
  ).catch(async (error: unknown) => {
    await stopAll();
    throw error;
  });
  return { url: urls[0] as string, close: stopAll };
}

/** A worker: serves with the configuration the primary sends, asking the primary for the store's answers. */
export function runMockWorker(): void {
  const send = (message: FromWorker): void => {
    process.send?.(message);
  };
  let next = 0;
  const waiting = new Map<number, { resolve: (reply: unknown) => void; reject: (error: Error) => void }>();
  const ask = <T>(message: { type: "ask"; question: StoreQuestion } | { type: "control"; method: string; bytes: string }) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (reply: unknown) => void, reject });
      send({ ...message, id });
    });
  const owner: StoreOwner = {
    answer: (question) => ask<StoreReply>({ type: "ask", question }),
    control: async (method, bytes) =>
      (await ask<PodAnswer | null>({ type: "control", method, bytes: bytes.toString("latin1") })) ?? undefined,
  };
  let server: ListeningServer | undefined;
  process.on("message", (message: ToWorker) => {
    if (message.type === "reply") {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.failure !== undefined) pending?.reject(new Error(message.failure));
      else pending?.resolve(message.reply);
    } else if (message.type === "config") {
      import("./mock-server.js")
        .then(({ startMockServer }) => startMockServer({ ...message.config, storeOwner: owner }))
        .then(
          (started) => {
            server = started;
            send({ type: "listening", url: started.url });
          },
          (error: unknown) => {
            send({ type: "failed", message: errorMessage(error) });
            process.exit(2);
          },
        );
    } else if (message.type === "close") {
      void (server?.close() ?? Promise.resolve()).finally(() => process.exit(0));
    }
  });
  // The primary decides when to stop (a signal to the whole group reaches it too); without it, nothing to serve.
  process.on("SIGTERM", () => {});
  process.on("SIGINT", () => {});
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
}
