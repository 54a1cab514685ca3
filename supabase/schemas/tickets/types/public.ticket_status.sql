create type public.ticket_status as enum (
  'new',
  'awaiting_confirmation',
  'awaiting_credits',
  'in_progress',
  'resolved',
  'declined',
  'canceled'
);
