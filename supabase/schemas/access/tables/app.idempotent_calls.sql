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
