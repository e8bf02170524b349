// Which answers end a key's retries, and whether two answers are "the same answer" (pure).
//
// Final: 201, or a 4xx that decides the request (a rule refusal such as 409 BID_TOO_LOW or
// AUCTION_NOT_OPEN, 404, 403...). Not final, so the client retries with the same key and body: a
// network failure, any 5xx, 408, 429, and 409 IDEMPOTENCY_KEY_IN_PROGRESS.
// Equal: the same status; for a 201 the same bidId, version, leading and currentPrice (the bid as
// of the first attempt, README "A retry while the first attempt runs"); for a refusal the same
// error code. A key whose later answers differ from its first final one breaks idempotency.
import type { Answer, Attempt, KeyRecord } from '../load/records.js';

export type HttpAnswer = Extract<Answer, { kind: 'http' }>;

export const isFinal = (answer: Answer): answer is HttpAnswer =>
  answer.kind === 'http' &&
  answer.status >= 200 && answer.status < 500 &&
  answer.status !== 408 && answer.status !== 429 &&
  !(answer.status === 409 && answer.code === 'IDEMPOTENCY_KEY_IN_PROGRESS');

/** The fields of a 201 bid answer that every replay must repeat. */
export const BID_ANSWER_FIELDS = ['bidId', 'version', 'leading', 'currentPrice'] as const;

const field = (body: unknown, name: string): unknown => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined);

/** Whether `b` is the same answer as `a`; when not, a short description of the first difference. */
export const answerDifference = (a: HttpAnswer, b: HttpAnswer): string | undefined => {
  if (a.status !== b.status) return `status ${a.status} then ${b.status}${b.code !== undefined ? ` ${b.code}` : ''}`;
  if (a.status === 201) {
    for (const name of BID_ANSWER_FIELDS) {
      const [x, y] = [field(a.body, name), field(b.body, name)];
      if (x !== y) return `${name} ${JSON.stringify(x)} then ${JSON.stringify(y)}`;
    }
    return undefined;
  }
  return a.code === b.code ? undefined : `code ${a.code ?? '(none)'} then ${b.code ?? '(none)'}`;
};

export const answersEqual = (a: HttpAnswer, b: HttpAnswer): boolean => answerDifference(a, b) === undefined;

/** The key's first final attempt, if it got one. */
export const firstFinal = (record: Pick<KeyRecord, 'attempts'>): (Attempt & { readonly answer: HttpAnswer }) | undefined =>
  record.attempts.find((a): a is Attempt & { readonly answer: HttpAnswer } => isFinal(a.answer));

export interface AnswerCheck {
  /** Keys with a final answer. */
  readonly answered: number;
  /** Keys that never got one (the run's bound ran out). */
  readonly unresolved: number;
  /** Keys answered more than once with a final answer (retries and confirmations). */
  readonly replayedKeys: number;
  /** Keys whose later final answers differ from the first. */
  readonly answeredDifferently: number;
  readonly problems: readonly string[];
}

/** Every final answer a key received after its first final answer must equal that first one. */
export const checkAnswers = (records: readonly KeyRecord[]): AnswerCheck => {
  let answered = 0;
  let unresolved = 0;
  let replayedKeys = 0;
  let answeredDifferently = 0;
  const problems: string[] = [];
  for (const record of records) {
    const finals = record.attempts.filter((a) => isFinal(a.answer)).map((a) => a.answer as HttpAnswer);
    const first = finals[0];
    if (first === undefined) {
      unresolved += 1;
      continue;
    }
    answered += 1;
    if (finals.length > 1) replayedKeys += 1;
    const differing = finals.slice(1).map((later) => answerDifference(first, later)).find((d) => d !== undefined);
    if (differing !== undefined) {
      answeredDifferently += 1;
      problems.push(`key ${record.key} (user ${record.userId}, auction ${record.auctionId}) answered differently: ${differing}`);
    }
  }
  return { answered, unresolved, replayedKeys, answeredDifferently, problems };
};
