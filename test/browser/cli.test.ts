/**
 * `stillmotion run` as a team would use it: a folder of photos through one workflow against
 * local provider servers with faults injected, an interrupted run resumed, and clear messages
 * and exit codes for bad arguments and bad workflow files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeFal } from '../providers/servers/fal';
import { BIN, cli as runCli, photoFolder } from '../support/cli';

let dir: string;
let fal: FakeProvider;

const photos = (count: number) => photoFolder(dir, count);
const cli = (args: string[]) => runCli(args, { FAL_KEY: 'fal-key' });

function workflow(name: string, prompt: string): string {
  const document: WorkflowDocument = {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: name,
    name,
    nodes: [
      { id: 'photos', type: 'image.batch', version: 1, position: { x: 0, y: 0 }, params: {} },
      { id: 'gen', type: 'generate.video', version: 1, position: { x: 300, y: 0 }, params: { model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto', prompt } },
    ],
    edges: [{ id: 'e1', source: 'photos', sourcePort: 'image', target: 'gen', targetPort: 'image' }],
  };
  const path = join(dir, `${name}.stillmotion.json`);
  writeFileSync(path, JSON.stringify(document));
  return path;
}

function settings(): string {
  const path = join(dir, 'settings.json');
  writeFileSync(path, JSON.stringify({ timing: { pollMs: 50, maxPollMs: 100, requestTimeoutMs: 5000, deadlineMs: 60_000 } }));
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stillmotion-cli-'));
  fal = await fakeFal(testVideo(), 'fal-key').start();
});
afterAll(() => fal?.close());

/** --endpoint for the fake: the relay sends fal's calls there, and may fetch results from its CDN. */
const falEndpoint = () => `fal=${[fal.url, ...fal.upstream().open].join(',')}`;

/** Image data sent in each accepted submit: one per photo means nothing was paid twice. */
const acceptedImages = () => [...fal.tasks.values()].map((t) => (t.input as { image_url: string }).image_url);

describe('stillmotion run', () => {
  it('names a bad argument, shows the usage and exits 2', async () => {
    const result = await cli(['run', 'x.json', '--input', dir]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('stillmotion: --out <folder for results> is required');
    expect(result.err).toContain('Usage: stillmotion run');
    expect((await cli(['run', 'x.json', '--input', dir, '--out', dir, '--concurrency', 'lots'])).err).toContain('--concurrency must be a whole number 1..64 (got lots)');
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('names what is wrong in a bad workflow file and exits 3', async () => {
    const broken = join(dir, 'broken.stillmotion.json');
    writeFileSync(broken, JSON.stringify({ format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'b', name: 'b', nodes: [{ id: 'gen', type: 'generate.video', version: 1, position: { x: 0, y: 0 }, params: { duration: 99 } }], edges: [] }));
    const result = await cli(['run', broken, '--input', photos(1), '--out', join(dir, 'out-broken')]);
    expect(result.code).toBe(3);
    expect(result.err).toMatch(/broken\.stillmotion\.json is not a workflow this version can run:\n {2}nodes\[0\]\.params\.duration: expected one of 1, 2, 3/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    expect((await cli(['run', notJson, '--input', photos(1), '--out', dir])).code).toBe(3);
  });

  it('prints the plan and the cost of the whole batch on a dry run, sending nothing', async () => {
    const result = await cli(['run', workflow('dry', 'dry'), '--input', photos(20), '--out', join(dir, 'out-dry'), '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('20 photos');
    expect(result.out).toMatch(/Generate video \(gen\): \$1\.40 x 20/);
    expect(result.out).toContain('Estimated cost: $28.00');
    expect(fal.log).toHaveLength(0);
  });

  it('runs 20 photos through faults: each ends done or with a clear error, none paid twice, the summary right', async () => {
    fal.fail('submit', { type: 'status', status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: 'flagged', type: 'value_error' }] } }, 2);
    fal.fail('poll', { type: 'status', status: 500 }, 3).fail('poll', { type: 'status', status: 429, headers: { 'Retry-After': '0' } }, 2);
    fal.fail('result', { type: 'status', status: 422, body: { detail: 'the model failed' } });
    const out = join(dir, 'out-20');
    const result = await cli(['run', workflow('twenty', 'twenty'), '--input', photos(20), '--out', out, '--settings', settings(), '--endpoint', falEndpoint()]);
    expect(result.code, result.err).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.counts).toEqual({ done: 17, failed: 3, pending: 0 });
    for (const item of summary.items) {
      if (item.status === 'done') expect(item.outputs).toEqual([expect.stringMatching(/photo\d\d-gen-kling-v2\.1-master\.mp4$/)]);
      else expect(item.error).toMatch(/^Generate video \(gen\): fal (refused the request \(HTTP 422\): prompt: flagged|could not make the video: .*the model failed)/);
    }
    expect(fal.accepted).toBe(18);
    expect(new Set(acceptedImages()).size).toBe(18);
    expect(result.out).toContain('17 done, 3 failed of 20; $23.80 paid for the takes on disk');
    expect(summary.paidUsd).toBe(23.8);
  });

  it('names a refused key by its environment variable, and sends nothing at all when a key is missing', async () => {
    const args = ['run', workflow('keys', 'keys'), '--input', photos(1), '--settings', settings(), '--endpoint', falEndpoint()];
    const refused = await runCli([...args, '--out', join(dir, 'out-wrong-key')], { FAL_KEY: 'not-the-key' });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/FAILED photo01\.png: Generate video \(gen\): fal rejected the API key \(HTTP 401\).*Check FAL_KEY in the environment/);
    expect(refused.out).not.toContain('Settings > Providers');

    const requests = fal.log.length;
    const missing = await runCli([...args, '--out', join(dir, 'out-no-key')], { FAL_KEY: '' });
    expect(missing.code).toBe(4);
    expect(missing.err).toContain('stillmotion: nothing was sent: every photo would fail:\n  fal has no key: set FAL_KEY in the environment (used by Generate video (gen))');
    expect(fal.log.length).toBe(requests);
  });

  it('refuses to start when what is left to pay is above --max-cost, sending nothing', async () => {
    const requests = fal.log.length;
    const result = await cli(['run', workflow('capped', 'capped'), '--input', photos(2), '--out', join(dir, 'out-capped'), '--settings', settings(), '--endpoint', falEndpoint(), '--max-cost', '2']);
    expect(result.code).toBe(4);
    expect(result.out).toContain('Left to pay: about $2.80');
    expect(result.err).toContain('stillmotion: what is left to pay ($2.80) is above --max-cost $2.00; nothing was sent');
    expect(fal.log.length).toBe(requests);
  });

  it('resumes an interrupted run without paying again for what was sent', async () => {
    const before = fal.accepted;
    fal.pollsToFinish = 1000; // nothing finishes until the run is killed
    const out = join(dir, 'out-resume');
    const args = ['run', workflow('resume', 'resume'), '--input', photos(4), '--out', out, '--settings', settings(), '--endpoint', falEndpoint()];
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FAL_KEY: 'fal-key' }, detached: true, stdio: 'ignore' });
    // Two generations at a time per provider: killed with two sent and two not yet. A sent one
    // counts once the CLI has polled it, which it does only after writing its id down: killed
    // between the provider's answer and that write, a run rightly cannot tell whether it was
    // accepted, and says so (a load of 4 on 2 cores opened that window).
    const polled = () => [...fal.tasks.values()].slice(before).filter((task) => task.polls > 0).length;
    await expect.poll(polled, { timeout: 120_000, interval: 200 }).toBe(2);
    expect(fal.accepted - before).toBe(2);
    process.kill(-child.pid!, 'SIGKILL'); // the CLI and its browser, as a crash would
    fal.pollsToFinish = 2;
    const result = await cli(args);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('Estimated cost of the 4 photos left: $5.60');
    expect(result.out).toContain('Left to pay: about $2.80 (2 paid generations were made or sent earlier and are not paid again)');
    // The two sent were resumed, not sent again; only the other two were paid for.
    expect(fal.accepted - before).toBe(4);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).counts).toEqual({ done: 4, failed: 0, pending: 0 });
    // A third run finds everything done: it starts no browser and sends nothing.
    const requests = fal.log.length;
    const again = await cli(args);
    expect(again.out).toContain('Resuming: 4 of 4 photos were finished earlier.');
    expect(fal.log.length).toBe(requests);
  });
});
