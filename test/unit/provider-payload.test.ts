/** How images are encoded for providers, and how an upload before the paid request fails. */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors';
import { base64Of, dataUri, dataUriLength, uploadBeforeSubmit } from '../../src/providers/payload';

describe('base64Of', () => {
  it('encodes every length of tail the same way as Node, padding included', async () => {
    for (let n = 0; n <= 9; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (250 - i * 37) & 255);
      expect(await base64Of(new Blob([bytes]))).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('encodes every byte value', async () => {
    const bytes = Uint8Array.from({ length: 3 * 256 + 1 }, (_, i) => (i * 97) & 255);
    expect(await base64Of(new Blob([bytes]))).toBe(Buffer.from(bytes).toString('base64'));
  });
});

describe('dataUriLength', () => {
  it('is the length dataUri gives, known without encoding', async () => {
    for (const size of [0, 1, 2, 3, 1000, 1001]) {
      const image = { blob: new Blob([new Uint8Array(size)]), mime: 'image/jpeg', width: 1, height: 1 };
      expect(dataUriLength(image)).toBe((await dataUri(image)).length);
    }
  });
});

describe('uploadBeforeSubmit', () => {
  it('turns an upload that got no answer into a plain failure that says nothing was charged', async () => {
    const error = await uploadBeforeSubmit('the image', Promise.reject(new ProviderError('timeout', 'Runway did not answer POST /v1/uploads within 30 s'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'network', message: 'Runway did not answer POST /v1/uploads within 30 s, while uploading the image; no generation was requested, so nothing was charged' });
  });

  it('passes other failures through as they are', async () => {
    const refused = new ProviderError('auth', 'Runway rejected the API key');
    await expect(uploadBeforeSubmit('the image', Promise.reject(refused))).rejects.toBe(refused);
  });
});
