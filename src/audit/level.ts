/** The seed's maturity levels by name (1 basic, 2 standard, 3 hardened, 4 compliance). */
export const LEVEL_NAMES: Record<string, 1 | 2 | 3 | 4> = { basic: 1, standard: 2, hardened: 3, compliance: 4 };
