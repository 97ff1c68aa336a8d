export { HubRoomClient, HubClientError, HUB_V1 } from './hub-room-client.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { parsePosition, formatPosition } from './position.js';
