/**
 * The parts every fake provider shares: a Node http server for the API, a second one for the
 * CDN its results sit on (another origin, as the real ones are), a small router, key checks,
 * task bookkeeping that counts what was accepted (so a test can prove nothing was paid for
 * twice), and fault injection by name. CORS headers only where the real provider sends them
 * (fal, Gemini): the others refuse a browser page, as Replicate, Runway, Kling, BytePlus,
 * MiniMax, PixVerse and LTX do (/work/shared/reference/providers.md, "Calls from a browser page").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Faults a test can arm for the next matching request(s). */
export type Fault =
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers; with `accept`, the request is carried out first (the answer is what is lost). */
  | { type: 'hang'; accept?: boolean }
  | { type: 'malformed' };

export type Step = 'submit' | 'poll' | 'result' | 'download' | 'cancel' | 'upload';

export interface FakeTask {
  id: string;
  /** Polls answered so far; the task finishes after `pollsToFinish`. */
  polls: number;
  input: unknown;
  outcome: 'succeed' | 'fail' | 'moderate';
  cancelled: boolean;
  /** Anything the protocol needs to remember. */
  extra: Record<string, unknown>;
}

export interface Request {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  json(): unknown;
  params: Record<string, string>;
}

type Handler = (req: Request, res: ServerResponse) => void | Promise<void>;

/** The step a request is, for fault injection: fixed per route, or read from the request's URL. */
type StepOf = Step | undefined | ((url: URL) => Step | undefined);

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  step: StepOf;
  handler: Handler;
}

export interface FakeOptions {
  /** Answers a browser page's calls (Access-Control-* headers), as fal and the Gemini API do. */
  cors?: boolean;
}

export class FakeProvider {
  readonly routes: Route[] = [];
  readonly tasks = new Map<string, FakeTask>();
  readonly faults = new Map<Step, Fault[]>();
  /** Every request seen, for assertions about headers and bodies. */
  readonly log: { method: string; path: string; headers: IncomingMessage['headers']; body: string; cdn: boolean }[] = [];
  /** Tasks accepted: what the user would be billed for. */
  accepted = 0;
  pollsToFinish = 2;
  /** What the next accepted task will do. */
  nextOutcome: FakeTask['outcome'] = 'succeed';
  url = '';
  /** Where results are downloaded from: another origin, served without a key. */
  cdnUrl = '';
  #server: Server | undefined;
  #cdn: Server | undefined;
  /** Routes the CDN origin answers besides serving results (fal's upload host). */
  readonly cdnRoutes: Route[] = [];
  #hanging = new Set<ServerResponse>();
  #counter = 0;

  constructor(
    readonly video: Buffer,
    readonly options: FakeOptions = {},
  ) {}

  route(method: string, path: string, step: StepOf, handler: Handler): this {
    this.routes.push(compile(method, path, step, handler));
    return this;
  }

  /** A route on the CDN origin, reached without the key (an upload host). */
  cdnRoute(method: string, path: string, step: Step | undefined, handler: Handler): this {
    this.cdnRoutes.push(compile(method, path, step, handler));
    return this;
  }

  /** Arms `fault` for the next `times` requests of `step`. */
  fail(step: Step, fault: Fault, times = 1): this {
    const list = this.faults.get(step) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(step, list);
    return this;
  }

  newTask(input: unknown, id = `task-${++this.#counter}`): FakeTask {
    const task: FakeTask = { id, polls: 0, input, outcome: this.nextOutcome, cancelled: false, extra: {} };
    this.tasks.set(id, task);
    this.accepted++;
    return task;
  }

  /** Advances a task by one poll; true once it is finished. */
  advance(task: FakeTask): boolean {
    task.polls++;
    return task.polls >= this.pollsToFinish;
  }

  downloadUrl(task: FakeTask): string {
    return `${this.cdnUrl}/files/${task.id}.mp4`;
  }

  /** Where the Stillmotion server's relay should send this provider's traffic: the API, then the hosts it reaches without a key. */
  upstream(): { keyed: string[]; open: string[] } {
    return { keyed: [this.url, ...this.keyedOrigins()], open: [this.cdnUrl, ...this.openOrigins()] };
  }

  /** Other origins of the provider's own that take the key (fal's storage API). */
  keyedOrigins(): string[] {
    return [];
  }

  /** Other keyless origins the protocol sends the client to (Runway's storage host). */
  openOrigins(): string[] {
    return [];
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res, this.routes));
    // Results are served like a CDN: another origin, no key needed.
    const serveVideo: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': this.video.length });
      res.end(this.video);
    };
    const cdn: Route[] = [...this.cdnRoutes, { method: 'GET', pattern: /^\/files\/([^/]+)$/, names: ['name'], step: 'download', handler: serveVideo }];
    this.#cdn = createServer((req, res) => void this.#handle(req, res, cdn));
    this.url = await listen(this.#server);
    this.cdnUrl = await listen(this.#cdn);
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    await Promise.all([this.#server, this.#cdn].map((server) => close(server)));
  }

  async #handle(req: IncomingMessage, res: ServerResponse, routes: readonly Route[]): Promise<void> {
    if (this.options.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', '*');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': '*', 'Access-Control-Max-Age': '600' });
        return void res.end();
      }
    }
    const refused = this.refuse(req);
    if (refused === 'drop') return void req.socket.destroy();
    if (refused !== undefined) return void res.writeHead(refused).end();
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the client gave up while still sending (a timeout during a large upload)
    }
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    this.log.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body: body.toString('utf8').slice(0, 2000), cdn: routes !== this.routes });
    for (const route of routes) {
      const match = req.method === route.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const step = typeof route.step === 'function' ? route.step(url) : route.step;
      const fault = step ? this.faults.get(step)?.shift() : undefined;
      if (fault && !(fault.type === 'hang' && fault.accept)) return this.#inject(fault, res);
      if (fault) res = this.#swallow(res);
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
      const request: Request = { method: req.method!, url, headers: req.headers, body, params, json: () => JSON.parse(body.toString('utf8')) };
      try {
        return await route.handler(request, res);
      } catch (error) {
        return json(res, 500, { error: `fake server bug: ${String(error)}` });
      }
    }
    json(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
  }

  /** The status of a provider's own refusal before routing (ComfyUI's origin check), or 'drop' for a server that is down; none by default. */
  refuse(_req: IncomingMessage): number | 'drop' | undefined {
    return undefined;
  }

  /** A response whose answer is dropped on the floor, the connection left open. */
  #swallow(res: ServerResponse): ServerResponse {
    this.#hanging.add(res);
    return new Proxy(res, { get: (target, prop) => (prop === 'writeHead' || prop === 'end' || prop === 'setHeader' ? () => target : Reflect.get(target, prop)) });
  }

  #inject(fault: Fault, res: ServerResponse): void {
    if (fault.type === 'hang') {
      this.#hanging.add(res);
      return;
    }
    if (fault.type === 'malformed') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end('{"status": "IN_PROG');
    }
    json(res, fault.status, fault.body ?? { error: `injected ${fault.status}` }, fault.headers);
  }
}

/** `/:owner/:id` and `/:rest*` paths as a pattern with named groups. */
function compile(method: string, path: string, step: StepOf, handler: Handler): Route {
  const names: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)\*?/g, (m, name: string) => (names.push(name), m.endsWith('*') ? '(.+)' : '([^/]+)'))}$`);
  return { method, pattern, names, step, handler };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The bearer token or other key header value, for providers that check it. */
export function headerValue(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
