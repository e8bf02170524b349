// The bus contracts (test/contract/bus-*.contract.ts) on Kafka (KAFKA_BROKERS), on topics of their own.
import { busSourceContract } from '../../contract/bus-source.contract.js';
import { kafkaBus } from '../../support/bus.js';

busSourceContract(kafkaBus());
