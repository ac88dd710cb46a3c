/**
 * Settings > Providers: a key per provider (written, never shown again), where to get one, an
 * endpoint override for a proxy, the ComfyUI servers the app may reach, the cost above which a
 * run asks first, and whether calls go through the Stillmotion server (which providers need it).
 * Everything the user typed is rendered as text.
 */
import { useId, useState, type FormEvent } from 'react';
import { endpointSchema, type ProviderConfig } from '../editor/provider-config';
import { formatUsd } from '../editor/run-cost';
import { normalizeComfyuiAddress } from '../providers/comfyui/server-address';
import { describeServer, serverHttp, serverInfo, type ServerInfo } from '../providers/comfyui/server-info';
import { comfyuiConnection } from '../providers/connection';
import { isRelayed, PROVIDER_ENDPOINTS } from '../providers/endpoints';
import type { ProviderInfo } from '../providers/protocol';
import { PROVIDERS } from '../providers/providers';
import type { RelayInfo } from '../providers/relay-route';
import { serverTokenId, type ProviderSettings } from '../providers/settings';
import { showHint } from './hints';
import { useFreshProviderState, useProviderConfig, useRelay } from './provider-hooks';

const providers = (): ProviderInfo[] => Object.values(PROVIDERS).filter((p) => p !== undefined);

/** Providers that refuse a browser page's calls, so only the Stillmotion server's relay (or a proxy) reaches them. */
const needsServer = (info: ProviderInfo) => isRelayed(info.id) && !PROVIDER_ENDPOINTS[info.id].browser;

export function ProvidersPanel({ onClose }: { onClose: () => void }) {
  const config = useProviderConfig();
  const relay = useRelay();
  return (
    <section className="side-panel providers-panel" role="dialog" aria-label="Providers">
      <header>
        <h2>Settings › Providers</h2>
        <button type="button" onClick={onClose} aria-label="Close providers">
          Close
        </button>
      </header>
      {config ? (
        <>
          <p className="panel-note">Keys stay in this browser, apart from your workflows, and are sent only to their provider. They are never shown again once saved.</p>
          <Connection relay={relay} />
          <Threshold config={config} />
          <ul className="provider-list">
            {providers().map((info) => (
              <ProviderRow key={info.id} config={config} info={info} relay={relay} />
            ))}
          </ul>
        </>
      ) : (
        <p className="panel-note">Keys cannot be kept: this browser’s storage (IndexedDB) could not be opened.</p>
      )}
    </section>
  );
}

/** How calls leave this page: through the Stillmotion server, or straight (and then who cannot be reached). */
function Connection({ relay }: { relay: RelayInfo | null | undefined }) {
  if (relay === undefined) return null;
  if (relay) {
    return (
      <p className="panel-note relay-status" data-relay="on">
        Calls go through the Stillmotion server that serves this page, which passes each key on to its provider’s API only.
      </p>
    );
  }
  const names = providers()
    .filter(needsServer)
    .map((p) => p.name)
    .join(', ');
  return (
    <p className="panel-note relay-status" data-relay="off" role="status">
      This page is served without the Stillmotion server, so it calls providers itself. {names} refuse calls from a browser page: open Stillmotion through <code>npm start</code>, whose server relays them, or set a proxy of your own for each. fal and the Gemini API work from here.
    </p>
  );
}

function ProviderRow({ config, info, relay }: { config: ProviderConfig; info: ProviderInfo; relay: RelayInfo | null | undefined }) {
  const { configured } = useFreshProviderState(config);
  const saved = configured.has(info.id);
  const id = useId();

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const apiKey = String(data.get('apiKey') ?? '').trim();
    const secretKey = String(data.get('secretKey') ?? '').trim();
    if (!apiKey || (info.secretKeyLabel && !secretKey)) return showHint(`Enter the ${info.name} ${info.secretKeyLabel ? `${info.keyLabel} and ${info.secretKeyLabel}` : info.keyLabel} first.`, 'error');
    try {
      await config.saveKey(info.id, info.secretKeyLabel ? { apiKey, secretKey } : { apiKey });
      // The key leaves the page's memory and the DOM: the field is emptied, only "saved" remains.
      form.reset();
      showHint(`${info.name} key saved.`);
    } catch (error) {
      showHint(`The ${info.name} key could not be saved: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  };

  return (
    <li className="provider-row" data-provider={info.id}>
      <div className="provider-head">
        <h3>{info.name}</h3>
        {info.keyless ? null : (
          <span className={`key-status${saved ? ' saved' : ''}`} data-saved={saved}>
            {saved ? 'Key saved' : 'No key'}
          </span>
        )}
        <a href={info.keysUrl} target="_blank" rel="noopener noreferrer">
          {info.keyless ? 'Documentation' : 'Get a key'}
        </a>
      </div>
      {relay === null && needsServer(info) ? (
        <p className="panel-note needs-server">Needs the Stillmotion server (or a proxy below): {info.name} refuses calls from a browser page.</p>
      ) : null}
      {info.keyless ? (
        <ComfyuiServers config={config} relayed={Boolean(relay?.comfyui)} />
      ) : (
        <>
          <form className="provider-keys" onSubmit={(e) => void save(e)} autoComplete="off">
            <label htmlFor={`${id}-key`}>{info.keyLabel}</label>
            <input id={`${id}-key`} name="apiKey" type="password" autoComplete="off" spellCheck={false} placeholder={saved ? 'Replace the saved key' : ''} />
            {info.secretKeyLabel ? (
              <>
                <label htmlFor={`${id}-secret`}>{info.secretKeyLabel}</label>
                <input id={`${id}-secret`} name="secretKey" type="password" autoComplete="off" spellCheck={false} />
              </>
            ) : null}
            <div className="provider-buttons">
              <button type="submit">Save</button>
              {saved ? (
                <button type="button" onClick={() => void config.removeKey(info.id).then(() => showHint(`${info.name} key removed.`))} aria-label={`Remove the ${info.name} key`}>
                  Remove
                </button>
              ) : null}
            </div>
          </form>
          <Endpoint config={config} info={info} />
        </>
      )}
    </li>
  );
}

/** A proxy or a local test server instead of the provider's own address; the key goes there too. */
function Endpoint({ config, info }: { config: ProviderConfig; info: ProviderInfo }) {
  const { settings } = useFreshProviderState(config);
  const relayed = useRelay()?.proxies === true;
  const current = settings.endpoints[info.id];
  const [text, setText] = useState(current ?? '');
  const [error, setError] = useState('');
  const id = useId();

  const apply = async (value: string | undefined) => {
    if (value !== undefined) {
      const parsed = endpointSchema.safeParse(value.trim());
      if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'not a web address');
      value = parsed.data;
    }
    setError('');
    await config.updateSettings((s) => {
      const endpoints = { ...s.endpoints };
      if (value === undefined) delete endpoints[info.id];
      else endpoints[info.id] = value;
      return { ...s, endpoints };
    });
    setText(value ?? '');
    showHint(value === undefined ? `${info.name} requests go to ${info.origin} again.` : `${info.name} requests and key now go to ${new URL(value).origin}.`);
  };

  return (
    <details className="provider-endpoint" open={current !== undefined}>
      <summary>Advanced: endpoint</summary>
      <label htmlFor={id}>Send requests to</label>
      <input id={id} type="url" autoComplete="off" spellCheck={false} placeholder={info.origin} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={error !== ''} />
      <div className="provider-buttons">
        <button type="button" onClick={() => void apply(text)}>
          Use this endpoint
        </button>
        {current !== undefined ? (
          <button type="button" onClick={() => void apply(undefined)}>
            Use {info.origin}
          </button>
        ) : null}
      </div>
      <FieldError error={error} />
      <p className="panel-note">
        Your {info.name} key is sent to this endpoint’s origin instead of {info.origin},{' '}
        {relayed ? 'through the Stillmotion server, which reaches it from its own machine' : 'straight from this page (there is no Stillmotion server here), so the proxy must answer browsers'}. Use only a proxy you trust.
        {current !== undefined ? ` Now: ${current}` : ''}
      </p>
    </details>
  );
}

function Threshold({ config }: { config: ProviderConfig }) {
  const { settings } = useFreshProviderState(config);
  const [text, setText] = useState<string>();
  const id = useId();
  const commit = async () => {
    if (text === undefined) return;
    const usd = Number(text);
    setText(undefined);
    if (text.trim() === '' || !Number.isFinite(usd) || usd < 0) return showHint('The confirmation threshold is an amount in dollars, 0 or more.', 'error');
    await config.updateSettings((s) => ({ ...s, confirmAboveUsd: usd }));
  };
  return (
    <div className="threshold">
      <label htmlFor={id}>Ask before a run estimated above $</label>
      <input
        id={id}
        type="number"
        min={0}
        step={0.5}
        inputMode="decimal"
        value={text ?? String(settings.confirmAboveUsd)}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => void commit()}
        onKeyDown={(e) => e.key === 'Enter' && void commit()}
      />
      <span className="panel-note">now {formatUsd(settings.confirmAboveUsd)}; 0 asks before every paid run</span>
    </div>
  );
}

/** The ComfyUI servers the app may reach: a node names one of these, and nothing else is called. */
function ComfyuiServers({ config, relayed }: { config: ProviderConfig; relayed: boolean }) {
  const { settings, configured } = useFreshProviderState(config);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [tested, setTested] = useState<Record<string, Tested | 'testing'>>({});
  const id = useId();

  const test = async (url: string) => {
    setTested((t) => ({ ...t, [url]: 'testing' }));
    const result = await testServer(url, settings).then(
      (info): Tested => ({ text: describeServer(info), ok: true, models: info.models }),
      (e: unknown): Tested => ({ text: e instanceof Error ? e.message : String(e), ok: false }),
    );
    setTested((t) => ({ ...t, [url]: result }));
  };
  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const server = normalizeComfyuiAddress(text);
    if (!server.ok) return setError(server.error);
    setError('');
    await config.updateSettings((s) => ({ ...s, comfyuiServers: [...new Set([...s.comfyuiServers, server.url])] }));
    setText('');
    showHint(`ComfyUI at ${server.url} added.`);
  };
  const remove = async (url: string) => {
    await config.updateSettings((s) => ({ ...s, comfyuiServers: s.comfyuiServers.filter((u) => u !== url) }));
    showHint(`ComfyUI at ${url} removed; nodes that name it will say so.`);
  };

  return (
    <div className="comfyui-servers">
      <ul>
        {settings.comfyuiServers.map((url) => (
          <li key={url}>
            <span>{url}</span>
            <button type="button" onClick={() => void test(url)} aria-label={`Test the connection to the ComfyUI server ${url}`} disabled={tested[url] === 'testing'}>
              Test
            </button>
            <button type="button" onClick={() => void remove(url)} aria-label={`Remove the ComfyUI server ${url}`}>
              Remove
            </button>
            {tested[url] ? <ServerTest result={tested[url]} /> : null}
            <ServerToken config={config} url={url} saved={configured.has(serverTokenId('comfyui', url))} />
          </li>
        ))}
      </ul>
      <form className="provider-keys" onSubmit={(e) => void add(e)} autoComplete="off">
        <label htmlFor={id}>Add a server</label>
        <input id={id} type="text" spellCheck={false} placeholder="http://192.168.1.20:8188" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={error !== ''} />
        <div className="provider-buttons">
          <button type="submit">Add</button>
        </div>
      </form>
      <FieldError error={error} />
      <p className="panel-note">
        {relayed
          ? 'Calls go through the Stillmotion server, so ComfyUI needs no --enable-cors-header (a flag that also turns off its own check of who is calling). Any address works: this machine, the LAN, a VPN, a host name, https.'
          : 'This page is served without the Stillmotion server: it reaches only a ComfyUI on this machine started with --enable-cors-header, which also turns off ComfyUI’s own check of who is calling. Through npm start, any address works and no flag is needed.'}
      </p>
    </div>
  );
}

/**
 * A token for a server behind a proxy that asks for a login, written and never shown again; it is
 * sent (as `Authorization: Bearer`) to that server only.
 */
function ServerToken({ config, url, saved }: { config: ProviderConfig; url: string; saved: boolean }) {
  const [token, setToken] = useState('');
  const id = useId();
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!token.trim()) return;
    await config.saveKey(serverTokenId('comfyui', url), { apiKey: token.trim() });
    setToken('');
    showHint(`Token for ComfyUI at ${url} saved.`);
  };
  return (
    <form className="server-token" onSubmit={(e) => void save(e)} autoComplete="off">
      <label htmlFor={id}>{saved ? 'Token saved; replace it' : 'Token (only behind a login proxy)'}</label>
      <input id={id} type="password" value={token} onChange={(e) => setToken(e.target.value)} />
      <button type="submit" disabled={!token.trim()}>
        Save
      </button>
      {saved ? (
        <button type="button" onClick={() => void config.removeKey(serverTokenId('comfyui', url))} aria-label={`Forget the token for ${url}`}>
          Forget
        </button>
      ) : null}
    </form>
  );
}

/** Version, devices, queue and models, from the server itself. */
/** What Test found: the summary line, and the models installed, by folder, to name in a workflow. */
interface Tested {
  text: string;
  ok: boolean;
  models?: ServerInfo['models'];
}

async function testServer(url: string, settings: ProviderSettings): Promise<ServerInfo> {
  const connection = await comfyuiConnection(url, settings);
  if ('error' in connection) throw new Error(connection.error);
  return serverInfo(serverHttp(connection, 15_000), AbortSignal.timeout(20_000));
}

function ServerTest({ result }: { result: Tested | 'testing' }) {
  if (result === 'testing') return <p className="server-test" role="status">testing…</p>;
  return (
    <>
      <p className={`server-test${result.ok ? '' : ' field-error'}`} role={result.ok ? 'status' : 'alert'}>
        {result.text}
      </p>
      {result.models ? (
        <details className="server-models">
          <summary>Installed models</summary>
          <dl>
            {Object.entries(result.models).map(([folder, names]) => (
              <div key={folder}>
                <dt>models/{folder}</dt>
                <dd>{names.length > 0 ? names.join(', ') : 'none'}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </>
  );
}

/** What is wrong with what the user typed, announced; nothing when all is well. */
function FieldError({ error }: { error: string }) {
  return error ? (
    <p className="field-error" role="alert">
      {error}
    </p>
  ) : null;
}
