// infra/: infrastructure no single side owns. No auction logic here.
export * from './config.js';
