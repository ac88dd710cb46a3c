/**
 * The workflow embedded in an exported video, so dropping the file back onto the canvas can
 * open what made it. Reads the MP4 `mdta` key `workflow` or the Matroska tag `WORKFLOW` (the
 * names ComfyUI uses too) through mediabunny, which reads only the boxes it needs from the Blob.
 */
import { BlobSource, Input, MATROSKA, MP4, QTFF, WEBM } from 'mediabunny';

const WORKFLOW_KEYS = ['workflow', 'WORKFLOW'];

/** What a video says of a workflow: none at all, one (parsed JSON), or one that cannot be read. */
export type EmbeddedWorkflow = { kind: 'none' } | { kind: 'workflow'; value: unknown } | { kind: 'unreadable'; reason: string };

/** The embedded workflow; `none` when the file is no MP4/WebM, or one with no workflow tag. */
export async function readEmbeddedWorkflow(blob: Blob): Promise<EmbeddedWorkflow> {
  const input = new Input({ source: new BlobSource(blob), formats: [MP4, QTFF, WEBM, MATROSKA] });
  try {
    if (!(await input.canRead())) return { kind: 'none' };
    const { raw = {} } = await input.getMetadataTags();
    const tag = WORKFLOW_KEYS.map((key) => raw[key]).find((value) => value !== undefined);
    if (tag === undefined) return { kind: 'none' };
    if (typeof tag !== 'string') return { kind: 'unreadable', reason: 'its workflow tag is not text' };
    try {
      return { kind: 'workflow', value: JSON.parse(tag.replace(/^\uFEFF/, '')) as unknown };
    } catch (error) {
      return { kind: 'unreadable', reason: `its workflow tag is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
    }
  } catch {
    // A damaged container: no workflow can be told from it, and the video input says what is wrong.
    return { kind: 'none' };
  } finally {
    input.dispose();
  }
}
