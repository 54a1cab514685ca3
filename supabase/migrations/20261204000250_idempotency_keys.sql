/**
 * Section - Idempotency keys for calls that move money
 * Why: a double click or a network retry of a call that moves credits (an admin's adjustment, a refund,
 * a confirmation) must not apply twice. The app sends one key per intended action; the first call with
 * a key records its result here, and a repeated call with the same key returns that result and changes
 * nothing. A concurrent repeat waits for the first (an advisory lock on the key) and then sees its result.
 * Private to the functions (schema app): nobody reads or writes it through the API.
 */
create table app.idempotent_calls (
  key text primary key,
  user_id uuid not null,
  function_name text not null,
  result jsonb not null,
  created_at timestamptz not null default now()
);
comment on table app.idempotent_calls is 'Results of money-moving calls by their idempotency key: a repeated key returns the first result.';
revoke all on app.idempotent_calls from public;

/**
 * The recorded result of an earlier call with this key, or null when this is the first call (or no key
 * was given). Validates the key, and takes a transaction lock on it so a simultaneous repeat waits for
 * this call to commit. A key used by someone else or for another function is invalid input.
 */
create function app.idempotent_result(p_key text, p_user_id uuid, p_function text) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_call app.idempotent_calls;
begin
  if p_key is null then
    return null;
  end if;
  if length(p_key) not between 8 and 200 or p_key !~ '^[A-Za-z0-9_:.-]+$' then
    perform app.raise_error('invalid_input', 'The idempotency key must be 8–200 letters, digits or -_:. (a fresh UUID per action).');
  end if;
  perform pg_advisory_xact_lock(2, hashtext(p_key));
  select * into v_call from app.idempotent_calls c where c.key = p_key;
  if v_call.key is null then
    return null;
  end if;
  if v_call.user_id <> p_user_id or v_call.function_name <> p_function then
    perform app.raise_error('invalid_input', 'This idempotency key was already used for another action; send a fresh one.');
  end if;
  return v_call.result;
end $$;
revoke execute on function app.idempotent_result(text, uuid, text) from public;

/** Records the result of the first call with a key (no-op without a key). */
create function app.remember_result(p_key text, p_user_id uuid, p_function text, p_result jsonb) returns void
language plpgsql security definer set search_path = '' as $$
begin
  if p_key is not null then
    insert into app.idempotent_calls (key, user_id, function_name, result) values (p_key, p_user_id, p_function, p_result);
  end if;
end $$;
revoke execute on function app.remember_result(text, uuid, text, jsonb) from public;
