-- An enum rather than a check constraint so the kinds reach the app through the generated types
-- (Database['public']['Enums']['ticket_event_kind'] and Constants); see
-- tickets/tables/app.ticket_event_kinds.sql.
create type public.ticket_event_kind as enum (
  'created',
  'assessed',
  'reassessed',
  'quote_confirmed',
  'quote_declined',
  'charged',
  'awaiting_credits',
  'refunded',
  'split',
  'resolved',
  'canceled',
  'assigned'
);

comment on type public.ticket_event_kind is 'What happened to a ticket. The keys each kind''s data carries are in app.ticket_event_kinds.';
