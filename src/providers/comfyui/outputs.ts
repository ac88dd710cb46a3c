/**
 * What a ComfyUI workflow saves, read before it is sent: the node whose file is the video, the
 * unique name it is given (so the file is found by name even after the server forgot the prompt),
 * and, for a workflow that saves no video (an animated WEBP, images), a refusal that says what to
 * change. Savers and their file names follow ComfyUI's comfy_extras/nodes_video.py (SaveVideo,
 * SaveWEBM: `<prefix>_00001_.<ext>`) and VideoHelperSuite's VHS_VideoCombine
 * (`<prefix>_00001.<ext>`, its format a MIME-like "video/h264-mp4").
 */
import { NodeError } from '../../engine';
import { frameTiming, placeholdersIn, type ApiWorkflow } from './template';

/** A file on the server, as `/view` takes it. */
export type ServerFile = { filename: string; subfolder: string; type: string };

export interface VideoSaver {
  id: string;
  /** The file it will write under our prefix. */
  file: ServerFile;
}

/** Where our files go in ComfyUI's output folder. */
export const OUTPUT_FOLDER = 'stillmotion';

/** The container a saver node writes, or undefined when what it writes is not a video this app plays. */
function videoExtension(classType: string, inputs: Record<string, unknown>): { ext: string; trailing: boolean } | undefined {
  const format = typeof inputs.format === 'string' ? inputs.format : '';
  if (classType === 'SaveVideo') return { ext: format === 'webm' ? 'webm' : 'mp4', trailing: true };
  if (classType === 'SaveWEBM') return { ext: 'webm', trailing: true };
  if (classType === 'VHS_VideoCombine' && format.startsWith('video/')) {
    if (format.includes('webm')) return { ext: 'webm', trailing: false };
    if (format.includes('mp4')) return { ext: 'mp4', trailing: false };
  }
  return undefined;
}

/** Output nodes that save something other than a video, and what. */
const NOT_VIDEO: Record<string, string> = {
  SaveAnimatedWEBP: 'an animated WEBP',
  SaveAnimatedPNG: 'an animated PNG',
  SaveImage: 'images',
  PreviewImage: 'preview images',
  VHS_VideoCombine: 'an image format',
};

/**
 * The node that saves the video, renamed to `stillmotion/<promptId>`, in a copy of `workflow`;
 * a workflow that saves no video is refused before anything is sent.
 */
export function videoOutput(workflow: ApiWorkflow, promptId: string): { workflow: ApiWorkflow; saver: VideoSaver } {
  const found = Object.entries(workflow).flatMap(([id, node]) => {
    const kind = videoExtension(node.class_type, node.inputs);
    return kind ? [{ id, ...kind }] : [];
  });
  const first = found[0];
  if (!first) throw new NodeError(noVideoMessage(workflow));
  const prefix = `${OUTPUT_FOLDER}/${promptId}`;
  const node = workflow[first.id]!;
  const renamed = { ...workflow, [first.id]: { ...node, inputs: { ...node.inputs, filename_prefix: prefix } } };
  const filename = `${promptId}_00001${first.trailing ? '_' : ''}.${first.ext}`;
  return { workflow: renamed, saver: { id: first.id, file: { filename, subfolder: OUTPUT_FOLDER, type: 'output' } } };
}

function noVideoMessage(workflow: ApiWorkflow): string {
  const others = Object.entries(workflow)
    .filter(([, node]) => NOT_VIDEO[node.class_type])
    .map(([id, node]) => `${node.class_type} (node ${id}) saves ${NOT_VIDEO[node.class_type]}`);
  const what = others.length > 0 ? `: ${others.join('; ')}` : '';
  return `the ComfyUI workflow saves no video${what}. Save the frames with a SaveVideo node (after Create Video, format mp4), or set VHS Video Combine's format to video/h264-mp4`;
}

/** The `/view` path of a file. */
export function viewPath(file: ServerFile): string {
  return `view?${new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type })}`;
}

/**
 * What a pasted workflow will do, or what is wrong with it, in one line for under the field: it
 * is checked as it is pasted, not when the run reaches the server.
 */
export function templateNote(workflow: () => ApiWorkflow): string {
  try {
    const checked = workflow();
    const { saver } = videoOutput(checked, 'check');
    const { fps } = frameTiming(checked, 1);
    return `Checked: fills ${[...placeholdersIn(checked)].map((n) => `{{${n}}}`).join(', ')}; saves the video with node ${saver.id} at ${fps} fps`;
  } catch (error) {
    if (error instanceof NodeError) return `Will not run: ${error.message}`;
    throw error;
  }
}
