import { validationError } from './domain-error.js';

/**
 * A skill an item needs, at least at `minLevel` (1..10). Agents hold skills with levels in their
 * user settings (the admin's); WebACD routing offers an item only to agents who hold every one
 * (RT-3). Shared by queues (the help form's topics) and sessions (a hand-over asks for skills).
 */
export interface RequiredSkill {
  readonly skill: string;
  readonly minLevel: number;
}

/** Skill names have 1..50 characters; levels go from 1 to 10; an item needs at most 20 skills. */
export const SKILL_NAME_MAX_LENGTH = 50;
export const SKILL_LEVEL_MAX = 10;
export const SKILLS_MAX = 20;
/** Validation error code for a bad list of required skills. */
export const INVALID_SKILLS = 'INVALID_SKILLS';

/** RT-3: a list of required skills, each named once; absent is none. Throws INVALID_SKILLS naming `field`. */
export function validRequiredSkills(skills: unknown, field: string): readonly RequiredSkill[] {
  if (skills === undefined || skills === null) return [];
  const invalid = (detail: string) => validationError(INVALID_SKILLS, field, detail);
  if (!Array.isArray(skills) || skills.length > SKILLS_MAX) throw invalid(`At most ${SKILLS_MAX} skills, as a list`);
  const seen = new Set<string>();
  return skills.map((s: unknown) => {
    const { skill, minLevel } = (typeof s === 'object' && s !== null ? s : {}) as { skill?: unknown; minLevel?: unknown };
    const name = typeof skill === 'string' ? skill.trim() : '';
    if (!name || [...name].length > SKILL_NAME_MAX_LENGTH) throw invalid(`A skill name has 1 to ${SKILL_NAME_MAX_LENGTH} characters`);
    if (typeof minLevel !== 'number' || !Number.isInteger(minLevel) || minLevel < 1 || minLevel > SKILL_LEVEL_MAX) {
      throw invalid(`A skill level is a whole number from 1 to ${SKILL_LEVEL_MAX}`);
    }
    if (seen.has(name)) throw invalid(`The skill ${name} is listed twice`);
    seen.add(name);
    return { skill: name, minLevel };
  });
}
