/**
 * Where each provider's protocol goes, as data shared by the page (which key goes where, and
 * whether a browser page may call the provider at all) and by the Stillmotion server's relay
 * (its allow-list: nothing else is reachable through it). Sources are cited per provider; a
 * host pattern `https://*.example.com` matches any subdomain, never example.com itself.
 */
import type { ProviderId } from './catalog/schema';

export interface ProviderEndpoints {
  /** Origins that receive the API key: the first is the API every path is relative to. */
  keyed: readonly string[];
  /** Origins the protocol reaches without the key: upload buckets, result CDNs, redirects. */
  open: readonly string[];
  /**
   * Whether the provider answers a browser page's calls (CORS). Those that do not can be
   * reached only through the Stillmotion server's relay, or a proxy of the user's own.
   */
  browser: boolean;
  /** Request headers that carry the key: the relay refuses them anywhere but `keyed`. */
  keyHeaders: readonly string[];
}

/** Relayed providers: every route but ComfyUI (servers the user adds) and Luma (not driven yet). */
export type RelayedProviderId = Exclude<ProviderId, 'comfyui' | 'luma'>;

const BEARER = ['authorization'];

export const PROVIDER_ENDPOINTS: Readonly<Record<RelayedProviderId, ProviderEndpoints>> = {
  // fal-js libs/client/src/config.ts, storage.ts (rest.fal.ai since 1.9.3): the queue and the
  // storage API take `Authorization: Key`; uploads go to the URL initiate returns, results sit
  // on fal's CDN (v3.fal.media, v3b.fal.media, older fal.media) or in Google Cloud Storage
  // (storage.googleapis.com/falserverless). fal-js is made to run in browsers (CORS).
  fal: {
    keyed: ['https://queue.fal.run', 'https://rest.fal.ai'],
    open: ['https://fal.media', 'https://*.fal.media', 'https://storage.googleapis.com'],
    browser: true,
    keyHeaders: BEARER,
  },
  // replicate-javascript README and issue 164: "doesn't support CORS". The Files API is on the
  // API host; outputs on replicate.delivery (replicate.delivery/pbxt/..., older pbxt.replicate.delivery).
  replicate: {
    keyed: ['https://api.replicate.com'],
    open: ['https://replicate.delivery', 'https://*.replicate.delivery'],
    browser: false,
    keyHeaders: BEARER,
  },
  // googleapis/js-genai: x-goog-api-key. A file download redirects to /download/v1beta/files/...
  // on the same host (which needs the key again); Google's content hosts are listed in case a
  // download is served from there (unconfirmed), and get no key.
  gemini: {
    keyed: ['https://generativelanguage.googleapis.com'],
    open: ['https://*.googleusercontent.com'],
    browser: true,
    keyHeaders: ['x-goog-api-key', 'authorization'],
  },
  // runwayml/sdk-node refuses to run in a browser (docs: "server-side only"). Ephemeral uploads
  // are presigned POSTs to its S3 storage; task outputs are on its CloudFront distribution
  // (dnznrvs05pmza.cloudfront.net, bucket runway-task-artifacts).
  runway: {
    keyed: ['https://api.dev.runwayml.com'],
    open: ['https://*.amazonaws.com', 'https://*.cloudfront.net'],
    browser: false,
    keyHeaders: BEARER,
  },
  // Kling's API (international: api-singapore; its keys do not work on api-beijing); outputs on
  // cdn.klingai.com and v1-fdl.kechuangai.com.
  kling: {
    keyed: ['https://api-singapore.klingai.com'],
    open: ['https://*.klingai.com', 'https://*.kechuangai.com'],
    browser: false,
    keyHeaders: BEARER,
  },
  // BytePlus ModelArk: content.video_url is a signed link into its object storage
  // (ark-content-generation-ap-southeast-1.tos-ap-southeast-1.volces.com).
  byteplus: {
    keyed: ['https://ark.ap-southeast.bytepluses.com'],
    open: ['https://*.volces.com', 'https://*.bytepluses.com'],
    browser: false,
    keyHeaders: BEARER,
  },
  // MiniMax (MiniMax-MCP client): file.download_url on video-product.cdn.minimax.io, older
  // files on its Aliyun object storage.
  minimax: {
    keyed: ['https://api.minimax.io'],
    open: ['https://*.minimax.io', 'https://*.minimaxi.com', 'https://*.aliyuncs.com'],
    browser: false,
    keyHeaders: BEARER,
  },
  // LTX answers the generation request with the video itself: nothing else to reach.
  ltx: {
    keyed: ['https://api.ltx.video'],
    open: [],
    browser: false,
    keyHeaders: BEARER,
  },
  // PixVerse (PixVerseAI/PixVerse-MCP): `API-KEY` header; videos on media.pixverse.ai.
  pixverse: {
    keyed: ['https://app-api.pixverse.ai'],
    open: ['https://media.pixverse.ai', 'https://*.pixverse.ai'],
    browser: false,
    keyHeaders: ['api-key'],
  },
};

export function isRelayed(id: string): id is RelayedProviderId {
  return Object.hasOwn(PROVIDER_ENDPOINTS, id);
}

/** Whether `origin` (scheme://host[:port]) is matched by `pattern` (an origin, maybe `scheme://*.domain`). */
export function originMatches(pattern: string, origin: string): boolean {
  const wildcard = /^([a-z]+:\/\/)\*\.(.+)$/.exec(pattern);
  if (!wildcard) return pattern === origin;
  const [, scheme, domain] = wildcard;
  return origin.startsWith(scheme!) && origin.slice(scheme!.length).endsWith(`.${domain}`) && !origin.slice(scheme!.length).includes('/');
}
