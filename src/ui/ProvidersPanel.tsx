/**
 * Settings > Providers: a key per provider (written, never shown again), where to get one, an
 * endpoint override for a proxy, and the cost above which a run asks first. Everything the user
 * typed is rendered as text.
 */
import { useId, useState, type FormEvent } from 'react';
import { endpointSchema, type ProviderConfig } from '../editor/provider-config';
import { formatUsd } from '../editor/run-cost';
import type { ProviderInfo } from '../providers/protocol';
import { PROVIDERS } from '../providers/providers';
import { showHint } from './hints';
import { useFreshProviderState, useProviderConfig } from './provider-hooks';

const providers = (): ProviderInfo[] => Object.values(PROVIDERS).filter((p) => p !== undefined);

export function ProvidersPanel({ onClose }: { onClose: () => void }) {
  const config = useProviderConfig();
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
          <Threshold config={config} />
          <ul className="provider-list">
            {providers().map((info) => (
              <ProviderRow key={info.id} config={config} info={info} />
            ))}
          </ul>
        </>
      ) : (
        <p className="panel-note">Keys cannot be kept: this browser’s storage (IndexedDB) could not be opened.</p>
      )}
    </section>
  );
}

function ProviderRow({ config, info }: { config: ProviderConfig; info: ProviderInfo }) {
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
      {info.keyless ? (
        <p className="panel-note">Needs no key; its address is set on each node that uses it.</p>
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
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <p className="panel-note">
        Your {info.name} key is sent to this endpoint’s origin instead of {info.origin}. Use only a proxy you trust.
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
