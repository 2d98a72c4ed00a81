import { ConfigError } from '../../config';
import { provisionSharePoint } from './index';
import { sharePointSiteSettings } from './settings';

/**
 * `npm run provision`: creates or updates the Partnership Register and
 * Partnership Records lists on SHAREPOINT_SITE_URL and prints what it changed.
 * Safe to run again: a second run changes nothing, and it never deletes.
 */
async function main(): Promise<number> {
  // Provisioning reads and writes no item: it needs the site, not REGISTER_RECORD_KEY.
  const settings = sharePointSiteSettings(process.env);
  console.log(`Provisioning ${settings.siteUrl} (auth: ${settings.auth})`);
  const report = await provisionSharePoint(settings);
  for (const c of report.changes) console.log(`  changed  ${c.list}: ${c.change}`);
  for (const w of report.warnings) console.log(`  WARNING  ${w.list}: ${w.change}`);
  if (report.changes.length === 0) console.log('No changes: the lists are up to date.');
  else console.log(`${report.changes.length} change(s) made.`);
  return report.warnings.length > 0 ? 3 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`);
      else console.error('Provisioning failed:', err instanceof Error ? err.message : err);
      process.exit(err instanceof ConfigError ? 2 : 1);
    },
  );
}
