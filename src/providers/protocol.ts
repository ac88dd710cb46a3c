/**
 * One interface for every provider protocol: submit, poll, fetch the result, cancel. An adapter
 * knows its provider's wire format and nothing else; money safety (the journal, resume, never
 * submitting twice) lives once, in generation.ts.
 */
import type { Credentials, JsonValue } from '../engine';
import type { AspectRatio, FieldMap, ProviderId, Resolution } from './catalog/schema';
import type { ProviderHttp } from './http';

/** An image as it is sent: bytes plus what providers ask about it. */
export interface ImagePayload {
  blob: Blob;
  mime: string;
  width: number;
  height: number;
}

/** What the user asked for, already checked against the model's capabilities. */
export interface GenerationRequest {
  /** The provider's name for the model (catalog route `endpoint`). */
  endpoint: string;
  /** How an aggregator endpoint names its inputs. */
  fields?: FieldMap;
  image: ImagePayload;
  endImage?: ImagePayload;
  prompt: string;
  negativePrompt?: string;
  seed?: number;
  seconds: number;
  resolution: Resolution;
  aspectRatio: AspectRatio;
  audio: boolean;
  /** 0..1, for models with motion control. */
  motion?: number;
  /** A user's own workflow for providers that run one (ComfyUI's API-format JSON); blank: the shipped one. */
  template?: string;
  /** Our own id for the request, for providers that accept one (idempotency, external ids). */
  clientRef: string;
}

/** A task the provider accepted: its id plus whatever the adapter needs later (status URLs...). */
export interface SubmittedTask {
  id: string;
  data?: JsonValue;
}

/** Where a result can be fetched: a URL (maybe on a CDN), or bytes that came back already. */
export type ResultLocation = { url: string; authenticated?: boolean } | { blob: Blob };

export type TaskState =
  | { state: 'queued'; position?: number }
  | { state: 'running'; fraction?: number; message?: string }
  | { state: 'succeeded'; result: ResultLocation }
  /**
   * `billed`: what the provider documents about billing this failure, where it does. `gone`: the
   * provider no longer has the task and nothing came of it (a ComfyUI server restarted before
   * it ran), so sending it again, there or elsewhere, makes it once.
   */
  | { state: 'failed'; reason: string; moderated?: boolean; billed?: boolean; gone?: boolean }
  | { state: 'cancelled' };

export interface ProviderCall {
  http: ProviderHttp;
  signal: AbortSignal;
}

export interface ProviderAdapter {
  /**
   * Sends the request. Most providers answer with a task to poll; a synchronous one (LTX)
   * answers with the video itself, as `{ done }`.
   */
  submit(request: GenerationRequest, call: ProviderCall): Promise<SubmittedTask | { done: Blob }>;
  poll(task: SubmittedTask, call: ProviderCall): Promise<TaskState>;
  /**
   * For a request whose answer never arrived (a crash, a hung connection): finds the task by
   * our own reference where the provider allows it, so it is neither lost nor paid for twice.
   */
  recover?(clientRef: string, call: ProviderCall): Promise<SubmittedTask | undefined>;
  /** Asks the provider to stop, where it has a way to; best effort. */
  cancel?(task: SubmittedTask, call: ProviderCall): Promise<void>;
}

/**
 * A provider the app can send work to: its fixed origin (where its key may go, and nowhere
 * else), how the key is presented, where a user gets one, and its protocol.
 */
export interface ProviderInfo {
  id: ProviderId;
  name: string;
  /** The origin its API lives at; keys are sent here and nowhere else. */
  origin: string;
  /** Where the user gets a key, shown next to the field. */
  keysUrl: string;
  keyLabel: string;
  /** Providers that sign requests with a key pair (Kling) name the second key. */
  secretKeyLabel?: string;
  /** Needs no key (a local ComfyUI server): runs without one, and nothing asks for it. */
  keyless?: boolean;
  /**
   * Answers submit with the video itself, after the whole generation (LTX): its request may take
   * as long as a generation (`deadlineMs`), and there is nothing to poll.
   */
  synchronous?: boolean;
  /** Headers carrying the credentials. */
  authorize(credentials: Credentials): Promise<Record<string, string>> | Record<string, string>;
  adapter: ProviderAdapter;
}
