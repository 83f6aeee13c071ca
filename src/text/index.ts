export { visible, hasUnsafe } from './visible.js';
