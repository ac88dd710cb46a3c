import { z } from 'zod';

/**
 * Provider failures in the user's terms. Each kind decides two things: what the message says
 * (and where to fix it), and whether asking again is safe and useful.
 */
export type ProviderErrorKind =
  | 'missing-key'
  | 'auth'
  | 'invalid'
  | 'billing'
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'not-found'
  | 'failed'
  | 'moderated';

/** Kinds where a later poll may well succeed; a submit is retried only on `rate-limit`. */
const TRANSIENT: ReadonlySet<ProviderErrorKind> = new Set(['rate-limit', 'server', 'timeout', 'network', 'malformed']);

export class ProviderError extends Error {
  override name = 'ProviderError';

  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** `said`: the provider's own words, for adapters that word a failure their way. */
    readonly details: { status?: number; retryAfterMs?: number; said?: string } = {},
  ) {
    super(message);
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

/** The kind an HTTP status means, before any provider-specific reading of the body. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'billing';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limit';
  if (status >= 500) return 'server';
  return 'invalid';
}

/**
 * The readable part of an error body, whichever provider wrote it: fal/FastAPI `detail[]` with
 * `loc` (named field by field), `detail` strings (Replicate, Luma), ComfyUI's `node_errors`
 * (node by node), Google's, Ark's and LTX's `error.message`, Runway's `error`, Kling's `message`.
 */
export function errorText(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.detail)) {
    const parts = b.detail.map((d) => {
      const item = d as { loc?: unknown[]; msg?: unknown };
      const field = Array.isArray(item.loc) ? item.loc.filter((p) => p !== 'body').join('.') : '';
      return field ? `${field}: ${String(item.msg)}` : String(item.msg ?? JSON.stringify(d));
    });
    return parts.join('; ');
  }
  // fal's request errors: a sentence, and a machine-readable type (request_timeout...).
  if (typeof b.detail === 'string') return typeof b.error_type === 'string' ? `${b.detail} (${b.error_type})` : b.detail;
  const nodes = nodeErrors(b.node_errors);
  if (nodes) return nodes;
  if (typeof b.error === 'object' && b.error !== null) {
    const e = b.error as Record<string, unknown>;
    const param = typeof e.param === 'string' ? `${e.param}: ` : '';
    if (typeof e.message === 'string') return param + e.message;
  }
  if (typeof b.error === 'string') return b.error;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.title === 'string') return b.title;
  return undefined;
}

/** ComfyUI's `{node_id: {class_type, errors: [{message, details}]}}`: which node, and what about it. */
function nodeErrors(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const parts = Object.entries(value as Record<string, { class_type?: unknown; errors?: { message?: unknown; details?: unknown }[] }>).flatMap(([id, node]) =>
    (Array.isArray(node.errors) ? node.errors : []).map((e) => `node ${id}${typeof node.class_type === 'string' ? ` (${node.class_type})` : ''}: ${String(e.message)}${e.details ? ` (${String(e.details)})` : ''}`),
  );
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Retry-After as seconds or an HTTP date, or retry-after-ms; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** google.rpc.RetryInfo, as Google's APIs put it in an error's `details` (a 429 RESOURCE_EXHAUSTED). */
const googleRetry = z.object({
  error: z.object({ details: z.array(z.object({ '@type': z.string().optional(), retryDelay: z.string().optional() })) }),
});

/**
 * The wait a Google error body asks for: RetryInfo's `retryDelay`, a protobuf Duration ("41s",
 * "0.2s"); undefined when the body has none (some 429s carry only a Help link).
 */
export function retryInfoMs(body: unknown): number | undefined {
  const parsed = googleRetry.safeParse(body);
  if (!parsed.success) return undefined;
  const info = parsed.data.error.details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'));
  const seconds = /^(\d+(?:\.\d+)?)s$/.exec(info?.retryDelay ?? '')?.[1];
  return seconds === undefined ? undefined : Math.round(Number(seconds) * 1000);
}
