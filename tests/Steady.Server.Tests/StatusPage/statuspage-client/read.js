// Reads a Steady status page through the statuspage.io client (npm), pointed at the page's base URL,
// and prints what it got as JSON: summary, status, components, incidents, unresolved incidents.
const { Statuspage } = require('statuspage.io');

async function main() {
  const client = new Statuspage('steady');
  client.setApiUrl(process.argv[2]);
  const out = {
    summary: await client.api.getSummary(),
    status: await client.api.getStatus(),
    components: await client.api.getComponents(),
    incidents: await client.api.incidents.getAll(),
    unresolved: await client.api.incidents.getUnresolved(),
    maintenances: await client.api.scheduledMaintenances.getAll(),
  };
  process.stdout.write(JSON.stringify(out));
}

main().catch(error => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
