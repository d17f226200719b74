import http from "node:http";
import https from "node:https";

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The app could not be reached or did not answer: no HTTP status exists. */
export class TransportError extends Error {
  override name = "TransportError";
}

export interface HttpClient {
  request(
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string; timeoutMs: number },
  ): Promise<HttpResponse>;
  /** Closes the client's sockets so the process can exit. */
  close(): void;
}

/** One keep-alive pool per server instance, so stopping one server never cuts another's calls. */
export function createHttpClient(): HttpClient {
  // Keep-alive: a run makes one call per step, and reconnecting each time would
  // dominate the latency of short steps.
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  return {
    request: (url, init) => httpRequest(url, init, (target) => (target.protocol === "https:" ? httpsAgent : httpAgent)),
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * A plain HTTP request with node:http. fetch (undici) is avoided on purpose:
 * its default 300 s headers timeout would cut off long-running steps, and the
 * timeout here is the caller's to choose.
 */
function httpRequest(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; timeoutMs: number },
  agentFor: (target: URL) => http.Agent,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new TransportError(`invalid URL ${url}`));
      return;
    }
    const lib = target.protocol === "https:" ? https : http;
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = lib.request(
      target,
      {
        method: init.method,
        agent: agentFor(target),
        headers: { ...init.headers, ...(body ? { "content-length": String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err) => reject(new TransportError(err.message)));
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.setTimeout(init.timeoutMs, () => req.destroy(new TransportError(`no answer within ${init.timeoutMs} ms`)));
    req.on("error", (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      reject(err instanceof TransportError ? err : new TransportError(code ? `${code}: ${err.message}` : err.message));
    });
    req.end(body);
  });
}
