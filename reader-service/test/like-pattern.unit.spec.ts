import { describe, expect, it } from 'vitest';
import { containsPattern, likeEscape } from '../src/search/like-pattern.js';

/** What SQL LIKE (default escape `\`) does with a pattern, as a regular expression: the oracle. */
const likeMatches = (pattern: string, value: string): boolean => {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') source += (pattern[++i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(value);
};

describe('search text as a LIKE pattern', () => {
  it.each(['%', '_', '\\', '50%', 'a_b', 'C:\\temp\\', '\\%', '%_\\'])(
    'escapes %j so it matches only itself',
    (text) => {
      expect(likeMatches(containsPattern(text), `before ${text} after`)).toBe(true);
      expect(likeEscape(text)).not.toBe(text);
    },
  );

  it('no longer matches what the wildcards would', () => {
    expect(likeMatches(containsPattern('a%c'), 'abc')).toBe(false);
    expect(likeMatches(containsPattern('a_c'), 'abc')).toBe(false);
    expect(likeMatches(containsPattern('a\\c'), 'ac')).toBe(false);
  });

  it('leaves regular expression syntax and ordinary text alone', () => {
    expect(likeEscape('.*(x)[a]+?^$|{2}')).toBe('.*(x)[a]+?^$|{2}');
    expect(likeEscape('desk lamp 42')).toBe('desk lamp 42');
    expect(containsPattern('')).toBe('%%');
  });
});
