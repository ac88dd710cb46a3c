/**
 * The workflow embedded in an exported video, so dropping the file back onto the canvas can
 * open what made it. Reads the MP4 `mdta` key `workflow` or the Matroska tag `WORKFLOW` (the
 * names ComfyUI uses too) through mediabunny, which reads only the boxes it needs from the Blob.
 */
import { BlobSource, Input, MATROSKA, MP4, QTFF, WEBM } from 'mediabunny';

const WORKFLOW_KEYS = ['workflow', 'WORKFLOW'];

/** The parsed JSON of the embedded workflow; undefined when the file is no MP4/WebM or has none. */
export async function readEmbeddedWorkflow(blob: Blob): Promise<unknown | undefined> {
  const input = new Input({ source: new BlobSource(blob), formats: [MP4, QTFF, WEBM, MATROSKA] });
  try {
    if (!(await input.canRead())) return undefined;
    const { raw = {} } = await input.getMetadataTags();
    const text = WORKFLOW_KEYS.map((key) => raw[key]).find((value) => typeof value === 'string');
    return text === undefined ? undefined : parseJson(text);
  } finally {
    input.dispose();
  }
}

function parseJson(text: string): unknown | undefined {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
