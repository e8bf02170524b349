-- Migration notifications/001-user-notifications: each user's notifications as the notifier sent
-- them (the WebSocket's notification frame, kept whole), so a user who had no socket open at that
-- moment finds them later (GET /v1/me/notifications). Written by the notifier only, before it
-- publishes; `id` is the same for the same notice however often it is sent, so a redelivered
-- batch stores nothing twice.
CREATE TABLE user_notifications (
  id         text        PRIMARY KEY,
  user_id    text        NOT NULL,
  at         timestamptz NOT NULL,
  frame      jsonb       NOT NULL
);
CREATE INDEX user_notifications_user_at ON user_notifications (user_id, at, id);
