/**
 * @peculiar/x509 needs reflect-metadata loaded before it (tsyringe throws otherwise) and a
 * WebCrypto provider; Node's own webcrypto does the key work natively.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509, webcrypto };
