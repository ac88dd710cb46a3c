/**
 * The workflow list: open, create, duplicate, delete (with undo), and move workflows in and out
 * as files, bundles (with their files) and links. Names are shown as text, whatever they contain.
 */
import { useEffect, useRef, useState } from 'react';
import { BUNDLE_SUFFIX, makeBundle } from '../editor/bundle';
import { openWorkflowFile } from '../editor/open-file';
import { shareLink, workflowFile, WORKFLOW_FILE_SUFFIX } from '../editor/workflow-files';
import type { OpenOutcome, WorkflowSession } from '../editor/workflow-session';
import { storageEstimate } from '../storage';
import { showHint, showWarnings } from './hints';
import { useServices, useSession } from './services';

export function WorkflowsPanel({ onClose, onNew }: { onClose: () => void; onNew: () => void }) {
  const { session, documents, registry, assets } = useServices();
  const { list } = useSession();
  const current = documents.document.id;
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => void session?.refresh(), [session]);
  if (!session) return null;

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    const opened = await openWorkflowFile(file, { registry, assets, open: (document) => session.create(document) });
    if (!opened.ok) return showHint(opened.reason, 'error');
    showWarnings(`“${file.name}” opened`, opened.warnings);
    onClose();
  };

  const open = async (id: string, name: string) => {
    if (reportOpen(await session.open(id), name, () => void exportStored(session, id))) onClose();
  };

  const exportBundle = async () => {
    if (!assets) return;
    const { file, missing } = await makeBundle(documents.document, registry, assets);
    download(file);
    if (missing.length > 0) showHint(`Not in the bundle, as they are no longer stored: ${missing.map((m) => m.name).join(', ')}`, 'error');
  };

  const remove = async (id: string, name: string) => {
    const record = await session.remove(id);
    if (record) showHint(`Deleted “${name}”.`, 'info', { label: 'Undo', run: () => void session.restore(record) });
  };

  return (
    <section className="workflows-panel" role="dialog" aria-label="Workflows">
      <header>
        <h2>Workflows</h2>
        <button type="button" onClick={onClose} aria-label="Close workflows">
          Close
        </button>
      </header>
      <div className="workflow-actions">
        <button type="button" onClick={onNew} title="Start from a template or a blank canvas">
          New
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import…
        </button>
        <button type="button" onClick={() => download(workflowFile(documents.document))}>
          Export
        </button>
        <button type="button" onClick={() => void exportBundle()} title="The workflow and every file it uses, in one zip">
          Export bundle
        </button>
        <button type="button" onClick={() => void copyShareLink(documents.document)}>
          Copy link
        </button>
        <input
          ref={fileInput}
          className="visually-hidden"
          type="file"
          accept={`${WORKFLOW_FILE_SUFFIX},application/json,${BUNDLE_SUFFIX},application/zip,video/mp4,video/webm`}
          aria-label="Import a workflow file"
          onChange={(e) => void importFile(e.target.files?.[0])}
        />
      </div>
      <ul className="workflow-list">
        {list.map((w) => (
          <li key={w.id} className={w.id === current ? 'current' : ''}>
            <button type="button" className="workflow-open" onClick={() => void open(w.id, w.name)} title={`Changed ${new Date(w.updatedAt).toLocaleString()}; ${w.nodes.toLocaleString()} nodes`}>
              <span className="workflow-title">{w.name}</span>
              <time>{new Date(w.updatedAt).toLocaleString()}</time>
            </button>
            <button type="button" onClick={() => void session.duplicate(w.id)} aria-label={`Duplicate ${w.name}`}>
              Duplicate
            </button>
            <button type="button" onClick={() => void remove(w.id, w.name)} aria-label={`Delete ${w.name}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <StorageUsage />
    </section>
  );
}

function StorageUsage() {
  const { engine } = useServices();
  const [text, setText] = useState('');
  useEffect(() => {
    void Promise.all([storageEstimate(), engine.storage(), navigator.storage?.persisted?.() ?? Promise.resolve(false)]).then(([estimate, status, persisted]) => {
      const used = estimate ? `${mib(estimate.usage)} used of ${mib(estimate.quota)}` : 'usage unknown';
      setText(status.problem ?? `Storage: ${used}${persisted ? ', kept until you delete it' : ', may be cleared by the browser when space runs low'}.`);
    });
  }, [engine]);
  return <p className="storage-usage">{text}</p>;
}

const mib = (bytes: number) => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`);

/**
 * Says what opening a stored workflow had to repair, or why it could not open, offering to export
 * it as stored so no work is out of reach. True when it opened.
 */
export function reportOpen(outcome: OpenOutcome, name: string, exportIt?: () => void): boolean {
  if (outcome.ok) {
    showWarnings(`“${name}” opened`, outcome.warnings);
    return true;
  }
  showHint(`“${name}” could not be opened: ${outcome.reason}. Export it to keep it as a file.`, 'error', exportIt && { label: 'Export', run: exportIt });
  return false;
}

/** Downloads a stored workflow exactly as stored (for one that no longer opens). */
export async function exportStored(session: WorkflowSession, id: string): Promise<void> {
  const file = await session.exportStored(id);
  if (file) download(file);
  else showHint('That workflow is no longer stored.', 'error');
}

function download(file: File): void {
  const url = URL.createObjectURL(file);
  const a = Object.assign(document.createElement('a'), { href: url, download: file.name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function copyShareLink(document: Parameters<typeof shareLink>[0]): Promise<void> {
  const link = await shareLink(document, location.href);
  try {
    await navigator.clipboard.writeText(link);
    showHint('Link copied: opening it imports a copy of this workflow.');
  } catch {
    showHint(`Copy this link: ${link}`);
  }
}
