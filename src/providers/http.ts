/**
 * HTTP to one provider. Credentials go only to the provider's own API origin(s): a URL a
 * response points at (a CDN, a file host) is fetched without them, so no answer, and no
 * workflow, can lead a key elsewhere. Requests go through the Stillmotion server's relay when
 * there is one (most providers refuse a browser page's calls), or straight to the provider.
 * Every request has a timeout, every answer is checked against a schema, and every failure
 * becomes a ProviderError that says what happened in the user's terms.
 */
import type { z } from 'zod';
import { errorText, kindOfStatus, ProviderError, retryAfterMs, retryInfoMs, type ProviderErrorKind } from './errors';
import type { RelayRoute } from './relay-route';

export interface ProviderHttpOptions {
  /** Shown in messages: "fal", "Runway". */
  name: string;
  /** The API every path is resolved against: the provider's origin, a user's proxy, a ComfyUI server's address. */
  origin: string;
  /** Other origins that take the key (fal's storage API); the API's own always does. */
  keyedOrigins?: readonly string[];
  /** Headers that carry the credentials; called per request (Kling's tokens expire). */
  authorize: () => Promise<Record<string, string>>;
  timeoutMs: number;
  /** Through the Stillmotion server's relay; absent, straight from the page. */
  relay?: RelayRoute;
  /** False for a provider that refuses a browser page's calls (no CORS): a direct call that fails says so. */
  browserCalls?: boolean;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (multipart uploads); `body` is sent as JSON. */
  form?: FormData;
  /** Bytes sent as they are, with the Content-Type the caller names (a presigned PUT). */
  raw?: Blob;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal: AbortSignal;
  /**
   * The provider's own reading of an error answer, where its body says more than its status
   * (Kling answers 429 both for "too fast" and for "out of credit"), or its headers do (fal's
   * X-Fal-Error-Type); undefined keeps the status's kind.
   */
  kindOf?: (status: number, body: unknown, headers: Headers) => ProviderErrorKind | undefined;
}

const PENDING_TIMEOUTS = new Set<AbortSignal>();
const MAX_REDIRECTS = 5;

/** A redirect fetch did not follow: a 3xx with its Location (Node), or the opaque one a browser gives. */
const isRedirect = (response: Response) => response.type === 'opaqueredirect' || [301, 302, 303, 307, 308].includes(response.status);

export class ProviderHttp {
  constructor(readonly options: ProviderHttpOptions) {}

  /** A path (or a URL on the provider's origin) made absolute against the origin. */
  url(path: string): URL {
    return new URL(path, this.options.origin.endsWith('/') ? this.options.origin : `${this.options.origin}/`);
  }

  /** Sends a request and returns the body checked against `schema`. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, options: RequestOptions): Promise<z.infer<S>> {
    const response = await this.send(method, path, { ...options, headers: { Accept: 'application/json', ...options.headers } });
    return this.read(response, schema);
  }

  /** Checks a response body against `schema`; a body that is not JSON, or not that shape, is `malformed`. */
  async read<S extends z.ZodType>(response: Response, schema: S): Promise<z.infer<S>> {
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new ProviderError('malformed', `${this.options.name} answered with something that is not JSON (${describe(text)})`, { status: response.status });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProviderError('malformed', `${this.options.name} answered in an unexpected shape (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unknown'})`, { status: response.status });
    }
    return parsed.data;
  }

  /** Where a request for `path` is actually sent: the provider, or the relay's address for it. */
  fetchUrl(path: string): URL {
    const target = this.url(path);
    return this.options.relay ? this.options.relay.fetchUrl(target) : target;
  }

  /** Sends a request; a non-2xx answer throws, naming what the provider said. */
  async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const response = await this.#sendOnce(method, path, options);
    // The relay forgot a ComfyUI server (it restarted): registered again, the request is sent once more.
    if (response.headers.get('x-stillmotion-relay') === 'not-added' && this.options.relay?.prepare) {
      await response.body?.cancel();
      await this.options.relay.prepare();
      return this.#checked(await this.#sendOnce(method, path, options), options.kindOf);
    }
    return this.#checked(response, options.kindOf);
  }

  async #checked(response: Response, kindOf: RequestOptions['kindOf']): Promise<Response> {
    if (!response.ok) throw await this.#statusError(response, kindOf);
    return response;
  }

  async #sendOnce(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = this.url(path);
    const keyed = this.#keyed(url);
    const headers = await this.#headers(url, options);
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.raw) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers.set('Content-Type', 'application/json');
    }
    // A request with the key follows no redirect by itself: fetch would carry every header but
    // Authorization (Gemini's x-goog-api-key, PixVerse's API-KEY) to wherever it leads.
    const response = await this.#fetch(url, { method, headers, ...(body === undefined ? {} : { body }), ...(keyed ? { redirect: 'manual' as const } : {}) }, options);
    return keyed && isRedirect(response) ? this.#followWithoutKey(response, url, method, options) : response;
  }

  /** The request's own headers, plus the credentials where `url` is one of the provider's keyed origins. */
  async #headers(url: URL, options: RequestOptions): Promise<Headers> {
    const headers = new Headers(options.headers);
    // The key goes to the provider's own origin and nowhere else.
    if (this.#keyed(url)) for (const [k, v] of Object.entries(await this.options.authorize())) headers.set(k, v);
    return headers;
  }

  /** One fetch with the timeout, through the relay when there is one; a failure to get an answer becomes a ProviderError. */
  async #fetch(url: URL, init: RequestInit, options: RequestOptions): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    // Held until fetch settles: Node may garbage-collect a timeout signal that only AbortSignal.any
    // refers to, and it then never fires (nodejs/node#57736), so a hung request would hang forever.
    PENDING_TIMEOUTS.add(timeout);
    try {
      return await fetch(this.options.relay?.fetchUrl(url) ?? url, { ...init, signal: AbortSignal.any([options.signal, timeout]) });
    } catch (error) {
      throw this.#transportError(error, options.signal, timeoutMs, init.method ?? 'GET', url);
    } finally {
      PENDING_TIMEOUTS.delete(timeout);
    }
  }

  /**
   * Follows a redirect of a request that carried the key, sending the key on only to the
   * provider's own origins. Where the redirect's target can be read (Node) each hop is followed
   * here. A browser hides it (an opaque redirect), so the key is never sent after one: a GET is
   * sent again without the key for the browser to follow, and once more with the key if that
   * lands on the provider's API asking for it. A redirect that only the key unlocks stays out of
   * sight and is refused, as is one of a request with a body (never sent twice), saying why.
   */
  async #followWithoutKey(first: Response, from: URL, method: string, options: RequestOptions): Promise<Response> {
    let response = first;
    let url = from;
    for (let hops = 0; isRedirect(response); hops++) {
      await response.body?.cancel();
      const status = response.status;
      const resend = status === 307 || status === 308 || response.type === 'opaqueredirect';
      if (method !== 'GET' && method !== 'HEAD' && resend) throw this.#redirectRefused(method, url, status === 0 ? undefined : status);
      if (hops >= MAX_REDIRECTS) throw this.error('failed', `redirected more than ${MAX_REDIRECTS} times`, { status });
      const nextMethod = method === 'HEAD' ? 'HEAD' : 'GET';
      if (response.type === 'opaqueredirect') return this.#followInBrowser(url, nextMethod, options);
      const location = response.headers.get('location');
      if (location === null) throw this.error('malformed', `answered HTTP ${status} without saying where to`, { status });
      url = new URL(location, url);
      response = await this.#fetch(url, { method: nextMethod, headers: await this.#headers(url, options), redirect: 'manual' }, options);
    }
    return response;
  }

  async #followInBrowser(url: URL, method: string, options: RequestOptions): Promise<Response> {
    const keyless = await this.#fetch(url, { method, headers: new Headers(options.headers) }, options);
    const landed = keyless.url ? new URL(keyless.url) : url;
    if ((keyless.status !== 401 && keyless.status !== 403) || !this.#keyed(landed) || this.options.relay) return keyless;
    await keyless.body?.cancel();
    // Without the key the API would not even say where it redirects: its target stays unknown.
    if (!keyless.redirected) throw this.#redirectRefused(method, url, undefined);
    const keyed = await this.#fetch(landed, { method, headers: await this.#headers(landed, options), redirect: 'manual' }, options);
    if (isRedirect(keyed)) throw this.#redirectRefused(method, landed, undefined);
    return keyed;
  }

  #redirectRefused(method: string, url: URL, status: number | undefined): ProviderError {
    const what = `${this.options.name} redirected ${method} ${url.pathname}${status === undefined ? '' : ` (HTTP ${status})`}`;
    return new ProviderError(
      'invalid',
      `${what}, and Stillmotion does not send your key, nor a request twice, after a redirect it cannot check; nothing more was sent. ${this.options.relay ? '' : 'Open Stillmotion through `npm start`, whose server follows redirects itself, or set a proxy that does not redirect'}`.trim(),
      status === undefined ? {} : { status },
    );
  }

  #keyed(url: URL): boolean {
    return url.origin === new URL(this.options.origin).origin || (this.options.keyedOrigins ?? []).includes(url.origin);
  }

  /** Downloads a result; URLs off the provider's origin get no credentials. */
  async download(location: string, options: RequestOptions): Promise<Blob> {
    const response = await this.send('GET', location, options).catch((error: unknown) => {
      // A signed CDN link past its time answers 403 (S3, CloudFront) or 404: gone, not a bad key.
      const expired = error instanceof ProviderError && (error.kind === 'not-found' || (error.kind === 'auth' && !this.#keyed(this.url(location))));
      if (expired) {
        throw new ProviderError('not-found', `${this.options.name} finished the video, but its download link no longer works (HTTP ${error.details.status}); links expire, so the result may have to be made again`, error.details);
      }
      throw error;
    });
    try {
      return await response.blob();
    } catch (error) {
      throw this.#transportError(error, options.signal, options.timeoutMs ?? this.options.timeoutMs, 'GET', this.url(location));
    }
  }

  #transportError(error: unknown, signal: AbortSignal, timeoutMs: number, method: string, url: URL): unknown {
    if (signal.aborted) return signal.reason;
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return new ProviderError('timeout', `${this.options.name} did not answer ${method} ${url.pathname} within ${Math.round(timeoutMs / 1000)} s`);
    }
    return new ProviderError('network', this.#unreachable(url, error instanceof Error ? error.message : String(error)));
  }

  /**
   * Why a request never got an answer, in terms of what the user can do: a browser refuses a
   * page's calls to a provider that sends no CORS headers, and the app's own security policy
   * blocks plain-http addresses off this machine; "check the connection" is said only when
   * neither is the cause.
   */
  #unreachable(url: URL, cause: string): string {
    const { name, relay, browserCalls } = this.options;
    if (relay) return `the Stillmotion server that relays calls to ${name} did not answer (${cause}); is it still running?`;
    if (!inBrowser()) return `${name} could not be reached at ${url.origin} (${cause}): check the connection`;
    const viaServer = 'open Stillmotion through `npm start`, whose server relays the call';
    if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) {
      return `the app's security policy lets a page served without the Stillmotion server reach only HTTPS addresses and this machine, not ${url.origin}: ${viaServer}`;
    }
    if (browserCalls === false) return `${name} does not accept calls from a browser page: ${viaServer}, or set a proxy in Settings > Providers > ${name}`;
    return `${name} could not be reached at ${url.origin} (${cause}): check the connection${browserCalls === undefined ? '' : `, or ${viaServer}`}`;
  }

  async #statusError(response: Response, kindOf: RequestOptions['kindOf']): Promise<ProviderError> {
    const relayed = response.headers.get('x-stillmotion-relay');
    if (relayed) return relayError(this.options.name, relayed, await response.text().catch(() => ''), response.status);
    const text = await response.text().catch(() => '');
    let said: string | undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
      said = errorText(body);
    } catch {
      said = errorText(text.startsWith('<') ? '' : text);
    }
    // Retry-After where the provider sends it; Google says it in the body (RetryInfo).
    const retryAfter = retryAfterMs(response.headers) ?? retryInfoMs(body);
    return this.error(kindOf?.(response.status, body, response.headers) ?? kindOfStatus(response.status), said, { status: response.status, ...(said === undefined ? {} : { said }), ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) });
  }

  /**
   * The error for a failure of `kind`, worded the same whichever provider it came from: adapters
   * use it for failures a provider reports inside a 200 answer (MiniMax, PixVerse).
   */
  error(kind: ProviderErrorKind, said: string | undefined, details: ProviderError['details'] = {}): ProviderError {
    const { name } = this.options;
    const code = details.status === undefined ? '' : ` (HTTP ${details.status})`;
    const reason = said ? `: ${said}` : '';
    switch (kind) {
      case 'auth':
        return new ProviderError(kind, `${name} rejected the API key${code}${reason}. Check the key in Settings > Providers > ${name}`, details);
      case 'invalid':
        return new ProviderError(kind, `${name} refused the request${code}${reason || ': no reason given'}`, details);
      case 'billing':
        return new ProviderError(kind, `${name} says the account cannot pay for this${code}${reason}`, details);
      case 'rate-limit':
        return new ProviderError(kind, `${name} is limiting requests${code}${reason}`, details);
      case 'server':
        return new ProviderError(kind, `${name} had an internal error${code}${reason}`, details);
      case 'moderated':
        return new ProviderError(kind, `${name} refused it under its content rules${code}${reason}`, details);
      default:
        return new ProviderError(kind, `${name}${code}${reason || `: ${kind}`}`, details);
    }
  }
}

function describe(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' ? 'an empty body' : `"${trimmed.slice(0, 60)}${trimmed.length > 60 ? '...' : ''}"`;
}

/** Addresses the app's Content-Security-Policy lets a page reach over plain http. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

function inBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined' || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
}

/**
 * The relay's own answer (src/server/relay.ts), not the provider's: whether anything reached the
 * provider decides the kind, since a request that may have arrived must never be sent again blindly.
 */
function relayError(name: string, code: string, text: string, status: number): ProviderError {
  let said = text.trim();
  try {
    said = (JSON.parse(text) as { error?: string }).error ?? said;
  } catch {
    // a plain-text refusal from the server's guard
  }
  switch (code) {
    case 'unreachable': // the connection failed before anything was sent
      return new ProviderError('network', `${said} (the Stillmotion server relays calls to ${name})`, { status });
    case 'timeout':
    case 'failed': // sent, but the answer was lost: it may have been accepted
      return new ProviderError('timeout', `${said} (the Stillmotion server relays calls to ${name})`, { status });
    default:
      return new ProviderError('invalid', `the Stillmotion server refused a call to ${name}: ${said}`, { status });
  }
}
