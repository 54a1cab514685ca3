create type public.app_role as enum (
  'customer',
  'engineer',
  'admin'
);

comment on type public.app_role is 'customer: buys credits and opens tickets; engineer: assesses and answers; admin: engineer + prices, roles, adjustments.';
