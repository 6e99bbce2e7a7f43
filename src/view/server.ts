// `ccshare view`'s server: HTTP on 127.0.0.1 only, a random port unless told,
// every request checked by guard.ts before routes.ts answers it. It reads the
// catalog and transcripts and never reaches the network.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { homedir } from "node:os";
import { ViewerError } from "../errors.ts";
import { newToken, refusal, SECURITY_HEADERS } from "./guard.ts";
import { ViewerRoutes, type Answer } from "./routes.ts";

export interface Viewer {
  /** The address to open: it holds the token. */
  url: string;
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, head: boolean, answer: Answer): void {
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, { ...SECURITY_HEADERS, "Content-Type": answer.type, "Content-Length": String(body.length) });
  res.end(head ? undefined : body);
}

/** Starts the viewer; `session` makes the printed address open that transcript. */
export async function startViewer(o: { port?: number; session?: string; env?: Record<string, string | undefined> } = {}): Promise<Viewer> {
  const env = o.env ?? process.env;
  const token = newToken();
  const base = `/${token}/`;
  const routes = new ViewerRoutes({ base, env, home: env.HOME || homedir() });
  let port = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://viewer.invalid");
    const method = req.method ?? "GET";
    const refused = refusal({ method, host: req.headers.host, path: url.pathname }, { token, port });
    if (refused) return send(res, method === "HEAD", { status: refused.status, type: "text/plain; charset=utf-8", body: refused.text });
    routes.answer(url.pathname.slice(base.length - 1), url.searchParams).then(
      (answer) => send(res, method === "HEAD", answer),
      () => send(res, method === "HEAD", { status: 500, type: "text/plain; charset=utf-8", body: "The viewer could not read this; see `ccshare show` for the session.\n" }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: { code?: string }) => {
      const wanted = o.port ?? 0;
      if (error?.code === "EADDRINUSE") reject(new ViewerError(`Port ${wanted} is in use; choose another with --port, or leave --port out for a free one.`));
      else if (error?.code === "EACCES") reject(new ViewerError(`Port ${wanted} is not open to this user; choose one above 1023.`));
      else reject(new ViewerError(`The viewer could not listen on 127.0.0.1: ${String((error as Error)?.message ?? error)}.`));
    });
    server.listen(o.port ?? 0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${base}${o.session ? `s/${o.session}` : ""}`;
  return {
    url,
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}
