// `npm run sandbox`: the AWS sandbox alone, seeded from OPS_CONFIG or the example, printing what to export.
import { loadConfig } from '../src/config/load.js';
import { startSandboxFromConfig } from './start.js';

const path = process.env.OPS_CONFIG ?? 'ops.example.yml';
const config = loadConfig(path);
const sandbox = await startSandboxFromConfig(config, { realTime: true, port: Number(process.env.SANDBOX_PORT ?? 4566) });
console.log(`AWS sandbox for ${path} on ${sandbox.url}
export AWS_ENDPOINT_URL=${sandbox.url}
export AWS_ACCESS_KEY_ID=SANDBOXACCESSKEY AWS_SECRET_ACCESS_KEY=sandbox-secret-not-real AWS_REGION=ap-northeast-1
Control: GET ${sandbox.url}/_sandbox/state · GET /_sandbox/calls · POST /_sandbox/faults · POST /_sandbox/advance`);
