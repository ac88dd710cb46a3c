/**
 * The templates a creator starts from, as cards: what each makes, the keys it needs and what a
 * run would cost (the engine's plan, as the toolbar reads it). Offered on a first start, over the
 * offline demo that opened then, and on New, beside a blank canvas.
 */
import { useEffect, useMemo, useState } from 'react';
import { emptyWorkflow, type WorkflowDocument } from '../engine';
import { formatUsd } from '../editor/run-cost';
import { readTemplate, type TemplateRead } from '../editor/templates';
import { TEMPLATES } from '../workflows/templates';
import { showHint } from './hints';
import { useServices } from './services';

export function TemplatePicker({ first, onClose }: { first: boolean; onClose: () => void }) {
  const { registry, session, documents } = useServices();
  const reads = useMemo(() => TEMPLATES.map((t) => readTemplate(t, registry)), [registry]);
  const open = async (document: WorkflowDocument) => {
    try {
      if (session) await session.create(document);
      else documents.replace({ ...document, id: crypto.randomUUID() });
      onClose();
    } catch (error) {
      showHint(`“${document.name}” could not be opened: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  };
  return (
    <div className="help-backdrop" onClick={onClose}>
      <section className="template-picker" role="dialog" aria-label="Start from a template" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>{first ? 'Welcome: start from a template' : 'New workflow'}</h2>
          {first ? (
            <button type="button" onClick={onClose}>
              Keep the demo
            </button>
          ) : (
            <button type="button" onClick={onClose} aria-label="Close templates">
              Close
            </button>
          )}
        </header>
        <p className="template-lead">
          {first
            ? 'The offline demo is open behind this: it runs here with no key. Or pick what you want to make; each opens ready to run once you choose your files and add the key it names (Providers).'
            : 'Pick what you want to make, or start from a blank canvas.'}
        </p>
        <ul className="template-cards">
          {reads.map((read, i) => (
            <TemplateCardView key={TEMPLATES[i]!.id} read={read} title={TEMPLATES[i]!.title} onOpen={(document) => void open(document)} />
          ))}
          {first ? null : (
            <li>
              <button type="button" className="template-card" onClick={() => void open(emptyWorkflow(crypto.randomUUID(), 'Untitled'))}>
                <h3>Blank canvas</h3>
                <p>An empty graph: add nodes from the palette, or drop your files on it.</p>
              </button>
            </li>
          )}
        </ul>
      </section>
    </div>
  );
}

function TemplateCardView({ read, title, onOpen }: { read: TemplateRead; title: string; onOpen: (document: WorkflowDocument) => void }) {
  if (!read.ok) {
    return (
      <li>
        <div className="template-card broken">
          <h3>{title}</h3>
          <p role="alert">This template could not be read: {read.errors.map((e) => `${e.path || 'document'}: ${e.message}`).join('; ')}</p>
        </div>
      </li>
    );
  }
  const { template, document, keys } = read.card;
  return (
    <li>
      <button type="button" className="template-card" data-template={template.id} onClick={() => onOpen(document)}>
        <h3>{template.title}</h3>
        <p>{template.makes}</p>
        <p className="template-needs">{keys.length > 0 ? `Needs a key: ${keys.join(', ')}` : 'No key needed'}</p>
        <p className="template-cost">
          <TemplateCost document={document} />
        </p>
      </button>
    </li>
  );
}

/** What one run of the template would cost, as the engine's plan prices it. */
function TemplateCost({ document }: { document: WorkflowDocument }) {
  const { engine } = useServices();
  const [text, setText] = useState('estimating…');
  useEffect(() => {
    let live = true;
    engine.plan(document).then(
      ({ usd, uncertain, paid }) => live && setText(paid.length === 0 ? 'Free: runs in this browser' : `About ${formatUsd(usd)} a run${uncertain ? ' (some prices assumed)' : ''}`),
      () => live && setText('cost unknown'),
    );
    return () => {
      live = false;
    };
  }, [engine, document]);
  return <>{text}</>;
}
