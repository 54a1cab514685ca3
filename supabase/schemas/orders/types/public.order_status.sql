create type public.order_status as enum (
  'pending',
  'paid',
  'failed'
);
