/** What a cipher suite's OpenSSL name says about it. */

/** Suites without encryption (NULL cipher). */
export const isNullSuite = (suite: string): boolean => /(^|-)NULL(-|$)/.test(suite);

/** Suites without server authentication: anonymous DH/ECDH. */
export const isAnonymousSuite = (suite: string): boolean => /^(EXP-)?(ADH|AECDH)-/.test(suite);
