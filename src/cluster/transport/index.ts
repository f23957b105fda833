/**
 * How requests reach the API server, below client-node's typed clients: the pooled keep-alive HTTP library
 * the typed clients use, paged raw lists (JSON or protobuf, continue tokens read from the head of a page),
 * versioned lists for the caches, raw watch streams with their line splitting, and the errors they end with.
 * It knows URLs, pages and bytes, never what an object means.
 */
export { isStaleSocketError, pooledHttpLibrary } from './http-library.js';
export {
  rawPaginate,
  rawPaginateVersioned,
  statusError,
  PROTOBUF_OR_JSON,
  type RawGet,
  type RawResponse,
} from './raw-list.js';
export {
  rawWatch,
  LineSplitter,
  type RawWatch,
  type WatchDoneHandler,
  type WatchEventHandler,
  type WatchTransport,
} from './raw-watch.js';
export {
  attemptsOf,
  isConnectionError,
  isRepeatable,
  retryAfterMs,
  verdictOnStatus,
  RequestTimeoutError,
  RetryPolicy,
  DEFAULT_RETRY_OPTIONS,
  RETRYABLE_STATUSES,
  type RetryOptions,
  type Verdict,
} from './retry-policy.js';
export { listVersioned, type VersionedItem, type VersionedList } from './versioned-list.js';
export { toWatchError } from './watch-errors.js';
