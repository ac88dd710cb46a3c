/** Failures the CLI reports name environment variables and the command line, not the editor's Settings or file picker. */
import { describe, expect, it } from 'vitest';
import { forTheCommandLine } from '../../src/cli/wording';

describe('failures said for the command line', () => {
  it('names the environment variables that hold a refused or missing key', () => {
    expect(forTheCommandLine('Generate video (gen): fal rejected the API key (HTTP 401): bad key. Check the key in Settings > Providers > fal')).toBe(
      'Generate video (gen): fal rejected the API key (HTTP 401): bad key. Check FAL_KEY in the environment',
    );
    expect(forTheCommandLine('No Kling secret key: add it next to the access key in Settings > Providers > Kling')).toBe('No Kling secret key: set KLING_ACCESS_KEY and KLING_SECRET_KEY in the environment');
    expect(forTheCommandLine('No Replicate key: add one in Settings > Providers > Replicate (get it at https://replicate.com/account/api-tokens)')).toBe(
      'No Replicate key: set REPLICATE_API_TOKEN in the environment (get it at https://replicate.com/account/api-tokens)',
    );
  });

  it('asks for a missing file on the command line', () => {
    expect(forTheCommandLine(`Audio input (music): "song.mp3" is no longer in this browser's file store; pick it again`)).toBe('Audio input (music): "song.mp3" is not at hand: give it with --asset NODE=PATH');
  });
});
