// The few parts of the Cloudflare Workers runtime (workerd) that the relay's
// Worker entry uses (relay/worker.ts, relay/durable_room.ts), declared here
// so the rest of src/ keeps the DOM and Bun types it has.

declare module "cloudflare:workers" {
  export abstract class DurableObject<Env = unknown> {
    protected readonly ctx: DurableObjectState;
    protected readonly env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}

interface DurableObjectState {
  acceptWebSocket(ws: WebSocket, tags?: string[]): void;
  getWebSockets(tag?: string): WebSocket[];
  storage: { setAlarm(at: number): Promise<void> };
}

interface DurableObjectId {}

interface DurableObjectNamespace<T = unknown> {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): { fetch(request: Request): Promise<Response> } & { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never };
}

interface WebSocket {
  /** workerd: the socket's own few bytes that survive hibernation (at most 2 KiB). */
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
  /** workerd: start delivering events on a socket of a WebSocketPair. */
  accept(): void;
}

declare class WebSocketPair {
  0: WebSocket;
  1: WebSocket;
}

interface ResponseInit {
  /** workerd: the client end of a WebSocketPair, for a 101 response. */
  webSocket?: WebSocket;
}
