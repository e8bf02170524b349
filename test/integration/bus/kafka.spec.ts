// The bus contracts (test/contract/bus-*.contract.ts) on Kafka (KAFKA_BROKERS), on topics of their own.
import { busPipelineContract } from '../../contract/bus-pipeline.contract.js';
import { busSourceContract } from '../../contract/bus-source.contract.js';
import { publisherTakeoverContract } from '../../contract/publisher-takeover.contract.js';
import { kafkaBus } from '../../support/bus.js';

busSourceContract(kafkaBus());
busPipelineContract(kafkaBus());
publisherTakeoverContract(kafkaBus());
