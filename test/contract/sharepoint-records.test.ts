import { provisionedDouble } from '../doubles/sharepoint/connect';
import { describeRecordsContract } from './records.contract';

/** The Records contract, unchanged, against the SharePoint adapter talking real HTTP (real @pnp/sp) to the local double. */
const sharePoint = provisionedDouble();
afterAll(() => sharePoint.close());

describeRecordsContract('SharePoint (local double)', async () => {
  const { records, double } = await sharePoint.open();
  return { store: records, close: () => double.clearFaults() };
});
