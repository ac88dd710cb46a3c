/**
 * HTTP to one provider. Credentials go only to the provider's own origin: a URL a response
 * points at (a CDN, a file host) is fetched without them, so no answer, and no workflow, can
 * lead a key elsewhere. Every request has a timeout, every answer is checked against a schema,
 * and every failure becomes a ProviderError that says what happened in the user's terms.
 */
import type { z } from 'zod';
import { errorText, kindOfStatus, ProviderError, retryAfterMs, type ProviderErrorKind } from './errors';

export interface ProviderHttpOptions {
  /** Shown in messages: "fal", "Runway". */
  name: string;
  /** The one origin credentials are sent to, e.g. https://queue.fal.run. */
  origin: string;
  /** Headers that carry the credentials; called per request (Kling's tokens expire). */
  authorize: () => Promise<Record<string, string>>;
  timeoutMs: number;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (multipart uploads); `body` is sent as JSON. */
  form?: FormData;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal: AbortSignal;
  /**
   * The provider's own reading of an error answer, where its body says more than its status
   * (Kling answers 429 both for "too fast" and for "out of credit"); undefined keeps the status's kind.
   */
  kindOf?: (status: number, body: unknown) => ProviderErrorKind | undefined;
}

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

  /** Sends a request; a non-2xx answer throws, naming what the provider said. */
  async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = this.url(path);
    const headers = new Headers(options.headers);
    // The key goes to the provider's own origin and nowhere else.
    if (url.origin === new URL(this.options.origin).origin) for (const [k, v] of Object.entries(await this.options.authorize())) headers.set(k, v);
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers.set('Content-Type', 'application/json');
    }
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) });
    } catch (error) {
      throw this.#transportError(error, options.signal, timeoutMs, method, url);
    }
    if (!response.ok) throw await this.#statusError(response, options.kindOf);
    return response;
  }

  /** Downloads a result; URLs off the provider's origin get no credentials. */
  async download(location: string, options: RequestOptions): Promise<Blob> {
    const response = await this.send('GET', location, options).catch((error: unknown) => {
      if (error instanceof ProviderError && error.kind === 'not-found') {
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
    return new ProviderError('network', `${this.options.name} could not be reached at ${url.origin} (${error instanceof Error ? error.message : String(error)}): check the connection`);
  }

  async #statusError(response: Response, kindOf: RequestOptions['kindOf']): Promise<ProviderError> {
    const text = await response.text().catch(() => '');
    let said: string | undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
      said = errorText(body);
    } catch {
      said = errorText(text.startsWith('<') ? '' : text);
    }
    const retryAfter = retryAfterMs(response.headers);
    return this.error(kindOf?.(response.status, body) ?? kindOfStatus(response.status), said, { status: response.status, ...(said === undefined ? {} : { said }), ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) });
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
