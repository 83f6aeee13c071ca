export { buildProgram, main } from './program.js';
export { EXIT, exitCodeFor } from './exit.js';
