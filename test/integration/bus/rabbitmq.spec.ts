// The bus contracts (test/contract/bus-*.contract.ts) on RabbitMQ (RABBITMQ_URL), on streams of their own.
import { busPipelineContract } from '../../contract/bus-pipeline.contract.js';
import { busSourceContract } from '../../contract/bus-source.contract.js';
import { publisherTakeoverContract } from '../../contract/publisher-takeover.contract.js';
import { rabbitBus } from '../../support/bus.js';

busSourceContract(rabbitBus());
busPipelineContract(rabbitBus());
publisherTakeoverContract(rabbitBus());
