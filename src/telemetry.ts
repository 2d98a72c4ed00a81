/**
 * Application Insights through OpenTelemetry (@azure/monitor-opentelemetry),
 * only when APPLICATIONINSIGHTS_CONNECTION_STRING is set: off otherwise, so
 * local runs and tests send nothing off the machine. The package is loaded
 * only then (it instruments http on load). Returns whether it was started.
 */
export async function startTelemetry(connectionString: string | undefined): Promise<boolean> {
  if (!connectionString) return false;
  const { useAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
  return true;
}
