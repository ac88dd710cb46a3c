/** The names `stillmotion run` gives the files it writes (--name). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_NAME, namePatternProblem } from '../../src/cli/names';
import { nameDate, outputName } from '../../src/engine/output-names';

const fields = { workflow: 'Beach shots', photo: 'IMG_0001', node: 'gen', model: 'kling-v2.1-master' };

describe('output names', () => {
  it('fills each field, made safe for a file name', () => {
    expect(outputName('{workflow}-{photo}-{node}-{model}', fields)).toBe('Beach_shots-IMG_0001-gen-kling-v2.1-master');
    expect(outputName('{photo}-{node}', { ...fields, photo: '../../etc/passwd' })).toBe('etc_passwd-gen');
  });

  it('names the day as year-month-day, so files sort by it', () => {
    expect(nameDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(outputName('{workflow}-{photo}-{model}-{date}', { workflow: 'Beach', photo: 'IMG_1', date: '2026-01-05' })).toBe('Beach-IMG_1-2026-01-05');
  });

  it('drops an empty field with its separator, so outputs that are no generation read cleanly', () => {
    expect(outputName(DEFAULT_NAME, { ...fields, model: '' })).toBe('IMG_0001-gen');
    expect(outputName('{model}_{photo}_{node}', { ...fields, model: '' })).toBe('IMG_0001_gen');
  });

  it('refuses a pattern that would let results overwrite each other, or names an unknown field', () => {
    expect(namePatternProblem(DEFAULT_NAME)).toBeUndefined();
    expect(namePatternProblem('{workflow}-{photo}-{node}-{model}')).toBeUndefined();
    expect(namePatternProblem('{photo}')).toMatch(/needs \{node\}/);
    expect(namePatternProblem('{photo}-{node}-{seed}')).toMatch(/unknown field \{seed\}/);
    expect(namePatternProblem('{date}-{photo}-{node}')).toBeUndefined();
    expect(namePatternProblem('out/{photo}-{node}')).toMatch(/a name, not a path/);
  });
});
