/**
 * Search text as the operand of a SQL `LIKE` that matches it literally, anywhere in the value:
 * `%` and `_` are LIKE's wildcards and `\` its default escape character, so each is escaped with
 * a backslash; nothing else is special to LIKE (regular expression syntax means nothing there).
 * Case is folded by the query (`lower(...)` on both sides), not here.
 */
export const likeEscape = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

/** `%escaped%`: the substring pattern; an empty text matches every value. */
export const containsPattern = (text: string): string => `%${likeEscape(text)}%`;
