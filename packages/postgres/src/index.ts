export { isConnectionError } from './connection-errors.js';
export { inTransaction, type TransactionOptions } from './transaction.js';
