// The secret store moved to secrets/; this keeps the older import path working.
export * from './secrets/secret-store.ts';
