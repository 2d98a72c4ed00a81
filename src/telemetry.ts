/**
 * Application Insights through OpenTelemetry (@azure/monitor-opentelemetry),
 * only when APPLICATIONINSIGHTS_CONNECTION_STRING is set: off otherwise, so
 * local runs and tests send nothing off the machine. The package is loaded
 * only then (it instruments http on load). Returns whether it was started.
 * Sampling is the distro's default (rate-limited, 5 traces a second);
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG change it.
 */
export async function startTelemetry(connectionString: string | undefined): Promise<boolean> {
  if (!connectionString) return false;
  // Statsbeat (the SDK's own usage figures) goes to Microsoft endpoints other than
  // this resource and, off App Service, probes the VM metadata service
  // (169.254.169.254). Off, so telemetry goes only where the connection string
  // says. The exporter (1.0.0-beta.41) turns it all off for any non-empty
  // APPLICATION_INSIGHTS_NO_STATSBEAT; APPLICATIONINSIGHTS_STATSBEAT_DISABLED
  // only drops the non-essential part. The SDK reads only the environment, so
  // this writes it (config.ts stays the one reader of process.env).
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  const { useAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
  // server.ts loaded http and https (through restify) before this ran, and
  // OpenTelemetry patches a module only when it is required after its hook is
  // set: requiring them again now patches the one shared module object, so
  // incoming turns become requests and calls to Teams/SharePoint dependencies.
  await import('node:http');
  await import('node:https');
  return true;
}
