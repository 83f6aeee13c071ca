/**
 * Names derived from a profile, in a module of their own: generate needs them at run time, and
 * the profile schema (zod) need not load for that.
 */

/** Environment-variable form of a user name, used in secrets.env. */
export function secretEnvName(user: string): string {
  return `REDIS_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`;
}
