export { beginRotation, rotationStatus, finishRotation, parseUserConnections, type RotateOptions, type RotateResult, type RotateCheck, type RotatePhase, type Persistence, type UserConnection } from './password.js';
export { readState, writeState, type RotationState, type RotationPhase } from './state.js';
export { renderRotateText, renderRotateJson } from './render.js';
export { rotateTls, checkTls, type TlsRotateOptions, type TlsRotateResult, type CertificateStatus } from './tls.js';
export { renderTlsRotateText, renderTlsRotateJson } from './tls-render.js';
