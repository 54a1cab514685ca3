-- A double click or a network retry of a call that moves credits (an admin's adjustment, a refund, a quote
-- confirmation) must not apply twice. The app sends one key per intended action; the first call with a key
-- records its result here (app.remember_result), and a repeated call with the same key gets that result back
-- and changes nothing (app.idempotent_result). Private to the functions (schema app): nobody reads or writes
-- it through the API.
create table app.idempotent_calls (
  key text not null,
  user_id uuid not null,
  function_name text not null,
  result jsonb not null,
  created_at timestamp with time zone default now() not null,
  constraint idempotent_calls_pkey PRIMARY KEY (key)
);

comment on table app.idempotent_calls is 'Results of money-moving calls by their idempotency key: a repeated key returns the first result.';

revoke all on table app.idempotent_calls from anon, authenticated, service_role;
