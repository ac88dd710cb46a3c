/**
 * A node's `inspect` (checks that ask a server, such as whether a ComfyUI server has a
 * workflow's nodes and models), run a moment after its params settle and again when they
 * change; an older check still under way is abandoned. Notes by param, or none.
 */
import { useEffect, useState } from 'react';
import { stableStringify, type AnyNodeDefinition } from '../engine';
import { useServices } from './services';

/** Long enough that typing or pasting does not ask the server at every key. */
const SETTLE_MS = 600;

export function useInspection(definition: AnyNodeDefinition, params: Record<string, unknown>): Record<string, string> {
  const { session } = useServices();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const key = definition.inspect && session ? stableStringify(params) : '';
  useEffect(() => {
    if (!key || !definition.inspect || !session) return setNotes({});
    const controller = new AbortController();
    const settings = { get: (name: string) => session.db.get('settings', name) };
    const timer = setTimeout(() => {
      definition.inspect!(params, { settings, signal: controller.signal }).then(
        (found) => !controller.signal.aborted && setNotes(found),
        () => undefined, // abandoned, or the check itself failed: nothing to add under the fields
      );
    }, SETTLE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // `key` stands for `params`: a new object each render, the same check while its content is.
  }, [key, definition, session]);
  return notes;
}
