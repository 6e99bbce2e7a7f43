// A stand-in for the Anthropic Messages API on loopback (DESIGN.md §6): Claude
// Code is pointed at it with ANTHROPIC_BASE_URL, and the test reads what Claude
// Code sent. It records every request, answers POST /v1/messages with a minimal
// valid message (JSON, or SSE when the body asks for `stream: true`), answers
// count_tokens, and gives every other path a JSON 404 (recorded too, so a test
// can see what Claude Code called at start-up).

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface ModelApi {
  /** Base URL for ANTHROPIC_BASE_URL, e.g. http://127.0.0.1:41234 */
  url: string;
  requests: RecordedRequest[];
  /** Bodies of POST /v1/messages requests (the conversations Claude Code sent). */
  messageBodies(): string[];
  close(): Promise<void>;
}

const MESSAGE_ID = "msg_01CcshareStandInReply";

function message(model: string, text: string) {
  return {
    id: MESSAGE_ID,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** The SSE event sequence of one streamed text reply (Messages API streaming). */
function stream(model: string, text: string): string {
  const start = { ...message(model, ""), content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } };
  const events: [string, unknown][] = [
    ["message_start", { type: "message_start", message: start }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    ["ping", { type: "ping" }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 3 } }],
    ["message_stop", { type: "message_stop" }],
  ];
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

export function startModelApi(o: { reply?: string } = {}): ModelApi {
  const reply = o.reply ?? "Understood, continuing.";
  const requests: RecordedRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const body = await request.text();
      requests.push({ method: request.method, path: url.pathname + url.search, headers: Object.fromEntries(request.headers), body });
      if (request.method === "POST" && url.pathname === "/v1/messages/count_tokens") {
        return Response.json({ input_tokens: 12 });
      }
      if (request.method === "POST" && url.pathname === "/v1/messages") {
        let parsed: { model?: string; stream?: boolean } = {};
        try {
          parsed = JSON.parse(body);
        } catch {
          return Response.json({ type: "error", error: { type: "invalid_request_error", message: "body is not JSON" } }, { status: 400 });
        }
        const model = parsed.model ?? "claude-sonnet-4-5-20250929";
        const headers = { "request-id": "req_ccshare_stand_in", "anthropic-organization-id": "ccshare-test" };
        if (parsed.stream) {
          return new Response(stream(model, reply), { headers: { ...headers, "content-type": "text/event-stream", "cache-control": "no-cache" } });
        }
        return Response.json(message(model, reply), { headers });
      }
      return Response.json({ type: "error", error: { type: "not_found_error", message: `no stand-in for ${url.pathname}` } }, { status: 404 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    messageBodies: () => requests.filter((r) => r.method === "POST" && r.path.split("?")[0] === "/v1/messages").map((r) => r.body),
    close: async () => {
      await server.stop(true);
    },
  };
}
