// The error a bus source reports for a message that is not a RecordedEvent (the publisher never
// writes one): never skipped silently, since skipping it could lose an auction's event and break
// its order. Kafka stops the message's partition; RabbitMQ (one stream) stops the consumer.
export class PoisonMessageError extends Error {
  /**
   * `partition`: the Kafka partition, which is paused; undefined on a RabbitMQ stream, whose
   * consumer is stopped.
   */
  constructor(
    readonly topic: string,
    readonly partition: number | undefined,
    readonly offset: string,
    readonly reason: string,
  ) {
    super(partition === undefined
      ? `${topic}@${offset} is not a RecordedEvent (${reason}); the stream's consumer is stopped until this is dealt with`
      : `${topic}/${partition}@${offset} is not a RecordedEvent (${reason}); partition ${partition} is paused until this is dealt with`);
    this.name = 'PoisonMessageError';
  }
}
