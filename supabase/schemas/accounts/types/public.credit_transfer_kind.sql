create type public.credit_transfer_kind as enum (
  'purchase',
  'ticket_charge',
  'ticket_refund',
  'adjustment'
);
