export { AuditLog, AuditEntryInput, entryHash, GENESIS_HASH, type AuditEntry, type AuditVerifyResult } from './audit-log';
