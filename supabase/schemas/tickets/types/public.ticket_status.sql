-- The ticket life cycle: new -> (awaiting_confirmation | awaiting_credits | in_progress) -> resolved; or
-- declined / canceled. Which statuses belong together (open, waiting on the customer, cancelable) is defined
-- once, in app.is_open, app.is_waiting_on_customer and app.is_cancelable.
create type public.ticket_status as enum (
  'new',
  'awaiting_confirmation',
  'awaiting_credits',
  'in_progress',
  'resolved',
  'declined',
  'canceled'
);
