/** Compliance reference strings, spelled one way everywhere (spec compliance-tls.md §3). */
export const pci = (req: string): string => `PCI DSS 4.0 ${req}`;
export const hipaa = (spec: string): string => `HIPAA 164.312${spec}`;
export const sox = (domain: string): string => `SOX ITGC ${domain}`;
export const gdpr = (article: string): string => `GDPR ${article}`;
