export { beginRotation, rotationStatus, finishRotation, verifyBegun, adminCredentials, parseUserConnections, type StateStore, type RotateOptions, type RotateResult, type RotateCheck, type RotatePhase, type Persistence, type UserConnection } from './password.js';
export { readState, writeState, type RotationState, type RotationPhase } from './state.js';
export { renderRotateText, renderRotateJson, renderFleetText, renderFleetJson } from './render.js';
export { beginFleetRotation, fleetStatus, finishFleetRotation, type FleetRotateOptions, type FleetRotateResult } from './fleet.js';
export { readFleetState, writeFleetState, type FleetRotationState, type PeerState } from './fleet-state.js';
export type { PeerReport } from './peers.js';
export { rotateTls, checkTls, type TlsRotateOptions, type TlsRotateResult, type CertificateStatus } from './tls.js';
export { renderTlsRotateText, renderTlsRotateJson } from './tls-render.js';
