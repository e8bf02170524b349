-- Migration accounts/001-accounts: what an account needs that must never enter the event log
-- (which auditors export and Kafka carries): the sign-in e-mail address, the password hash, and
-- the refresh tokens. The account's history (registered, profile, suspensions, block lists) is
-- in its stream `account-<user_id>` of the log.
--
-- account_credentials: one row per registered account. `email` is normalised (trimmed, NFC,
-- lower case) before it gets here, so the unique constraint refuses the same address twice.
-- `password_hash` is `scrypt$N$r$p$<salt>$<key>` (base64url), never the password.
CREATE TABLE account_credentials (
  user_id       text        PRIMARY KEY,
  email         text        NOT NULL,
  password_hash text        NOT NULL,
  roles         text[]      NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT account_credentials_email_key UNIQUE (email)
);

-- Refresh tokens, stored as the hex sha256 of the token (the token itself is 256 random bits, so
-- a plain hash suffices: nothing to guess). Each use rotates it: `used_at` is set and a new token
-- of the same `family_id` is issued. Presenting a used token again means it was copied: the whole
-- family is revoked (`revoked_at`). Signing out revokes the family too.
CREATE TABLE refresh_tokens (
  token_hash  text        PRIMARY KEY,
  family_id   text        NOT NULL,
  user_id     text        NOT NULL,
  issued_at   timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
