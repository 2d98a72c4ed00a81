import { odata, type TableClient } from '@azure/data-tables';
import type { AuditEntry } from '../../domain/records';
import type { AuditLog } from '../../ports/audit-log';
import { keyOf, listAll, packJson, stamp, unavailable, unpackJson } from './tables';

/**
 * Append-only: one partition per subject, one row per entry, keyed by when it
 * happened and then when it was appended, so a partition read is already oldest first.
 */
export class AzureAuditLog implements AuditLog {
  constructor(private readonly table: TableClient) {}

  async append(entry: AuditEntry): Promise<void> {
    try {
      await this.table.createEntity({ partitionKey: keyOf(entry.subjectId), rowKey: `${keyOf(entry.at)}|${stamp()}`, ...packJson(entry) });
    } catch (err) {
      throw unavailable(err, 'audit log');
    }
  }

  async listFor(subjectId: string): Promise<AuditEntry[]> {
    const found = await listAll<Record<string, unknown>>(this.table, odata`PartitionKey eq ${keyOf(subjectId)}`);
    return found.sort((a, b) => (a.rowKey! < b.rowKey! ? -1 : a.rowKey! > b.rowKey! ? 1 : 0)).map((e) => unpackJson<AuditEntry>(e));
  }
}
