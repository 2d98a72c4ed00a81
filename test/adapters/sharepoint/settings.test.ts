import { DEFAULT_RETRY, INTERACTIVE_RETRY, sharePointSettings, sharePointSiteSettings } from '../../../src/adapters/sharepoint';
import { scopeFor } from '../../../src/adapters/sharepoint/auth';
import { ConfigError } from '../../../src/config';
import { rankedChoices } from '../../../src/adapters/sharepoint/schema';

const site = 'https://contoso.sharepoint.com/sites/partnerships';
/** As `openssl rand -base64 48` makes one. */
const KEY = 'q3Jd0uV1m7XcRr8yA2sLbT9kN4wPzE6hG5fC1oI0jYtUvQxMnBaZ5eSd7lK3gH2p';

function refusal(env: Record<string, string>): ConfigError {
  try {
    sharePointSettings(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('SharePoint settings', () => {
  it('refuses SHAREPOINT_AUTH=none for a site that is not on this machine', () => {
    const err = refusal({ SHAREPOINT_SITE_URL: site, SHAREPOINT_AUTH: 'none' });

    expect(err.variable).toBe('SHAREPOINT_AUTH');
    expect(err.message).toMatch(/127\.0\.0\.1 or localhost/);
  });

  it('accepts SHAREPOINT_AUTH=none for the local double', () => {
    for (const url of ['http://127.0.0.1:4321/sites/partnerships', 'http://localhost:4321/sites/partnerships/']) {
      expect(sharePointSettings({ SHAREPOINT_SITE_URL: url, SHAREPOINT_AUTH: 'none', REGISTER_RECORD_KEY: KEY })).toMatchObject({ auth: 'none', siteUrl: url.replace(/\/$/, '') });
    }
  });

  it('uses a managed identity by default, user-assigned when AZURE_CLIENT_ID is set', () => {
    const settings = sharePointSettings({ SHAREPOINT_SITE_URL: site, AZURE_CLIENT_ID: 'mi-client-id', ORGANISATION_NAME: 'Riverside Borough Council', REGISTER_RECORD_KEY: KEY });

    expect(settings).toMatchObject({ auth: 'managed-identity', clientId: 'mi-client-id', organisation: 'Riverside Borough Council', siteUrl: site });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('needs the tenant, the app and the certificate file for certificate auth', () => {
    expect(refusal({ SHAREPOINT_SITE_URL: site, SHAREPOINT_AUTH: 'certificate' }).variable).toBe('AZURE_TENANT_ID');
    expect(refusal({ SHAREPOINT_SITE_URL: site, SHAREPOINT_AUTH: 'certificate', AZURE_TENANT_ID: 't' }).variable).toBe('AZURE_CLIENT_ID');
    expect(refusal({ SHAREPOINT_SITE_URL: site, SHAREPOINT_AUTH: 'certificate', AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' }).variable).toBe('SHAREPOINT_CERTIFICATE_PATH');
  });

  it('explains that a client secret will not do', () => {
    expect(refusal({ SHAREPOINT_SITE_URL: site, SHAREPOINT_AUTH: 'client-secret' }).message).toMatch(/rejects app-only tokens got with a client secret/);
  });

  it('names the site variable when it is missing, relative, or plain http on the internet', () => {
    expect(refusal({}).variable).toBe('SHAREPOINT_SITE_URL');
    expect(refusal({ SHAREPOINT_SITE_URL: '/sites/partnerships' }).variable).toBe('SHAREPOINT_SITE_URL');
    expect(refusal({ SHAREPOINT_SITE_URL: 'http://contoso.sharepoint.com/sites/partnerships' }).message).toMatch(/https/);
  });

  it('needs REGISTER_RECORD_KEY, of at least 32 characters, and says how to make one', () => {
    const missing = refusal({ SHAREPOINT_SITE_URL: site });
    expect(missing.variable).toBe('REGISTER_RECORD_KEY');
    expect(missing.message).toContain('openssl rand -base64 48');
    const short = refusal({ SHAREPOINT_SITE_URL: site, REGISTER_RECORD_KEY: 'x'.repeat(31) });
    expect(short.variable).toBe('REGISTER_RECORD_KEY');
    expect(short.message).toMatch(/at least 32 characters.*openssl rand -base64 48/);
    expect(short.message).not.toContain('x'.repeat(31));

    expect(sharePointSettings({ SHAREPOINT_SITE_URL: site, REGISTER_RECORD_KEY: ` ${KEY} ` }).recordKey).toBe(KEY);
  });

  it('lets provisioning run without the record key', () => {
    const settings = sharePointSiteSettings({ SHAREPOINT_SITE_URL: site });

    expect(settings).toMatchObject({ siteUrl: site, auth: 'managed-identity' });
    expect(settings).not.toHaveProperty('recordKey');
  });

  it('gives people’s turns a short retry policy with a deadline, and background work the patient one', () => {
    const settings = sharePointSettings({ SHAREPOINT_SITE_URL: site, REGISTER_RECORD_KEY: KEY, SHAREPOINT_MAX_ATTEMPTS: '6' });

    expect(settings.interactiveRetry).toEqual(INTERACTIVE_RETRY);
    expect(INTERACTIVE_RETRY.deadlineMs).toBeLessThanOrEqual(7_000);
    expect(INTERACTIVE_RETRY.timeoutMs).toBeLessThanOrEqual(INTERACTIVE_RETRY.deadlineMs);
    expect(settings.retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 6 });
    expect(settings.retry.deadlineMs).toBeGreaterThan(60_000);
  });

  it('asks for a token for the tenant’s SharePoint, not for the site', () => {
    expect(scopeFor(site)).toBe('https://contoso.sharepoint.com/.default');
  });
});

describe('the Category column keeps its own words', () => {
  it('maps category codes to fixed Choice values, whatever the card says', () => {
    const reworded = { id: 'category', label: 'Category', type: 'choice' as const, choices: [{ value: 'statutory', title: 'Required by law' }, { value: 'community', title: 'Community' }, { value: 'network', title: 'Forum' }, { value: 'new', title: 'Something new' }] };
    expect(rankedChoices(reworded).map((c) => c.label)).toEqual(['1. Statutory', '2. Non-statutory: community-based', '3. Non-statutory: network group or forum', '4. Something new']);
  });
});
