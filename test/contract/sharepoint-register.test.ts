import { provisionedDouble } from '../doubles/sharepoint/connect';
import { describeRegisterContract } from './register.contract';

/** The Register contract, unchanged, against the SharePoint adapter talking real HTTP (real @pnp/sp) to the local double. */
const sharePoint = provisionedDouble();
afterAll(() => sharePoint.close());

describeRegisterContract('SharePoint (local double)', async () => {
  const { register, double } = await sharePoint.open();
  return { store: register, close: () => double.clearFaults() };
});
