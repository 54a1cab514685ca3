-- The transaction-scoped advisory lock on the key (namespace 2; accounts use namespace 1 in
-- app.lock_account) makes a simultaneous repeat wait for the first call to commit, and then see its result
-- instead of running again. A key recorded by someone else or for another function is refused rather than
-- answered, so a key can never replay another person's or another action's result.
create or replace function app.idempotent_result(p_key text, p_user_id uuid, p_function text)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
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
end $function$;

revoke all on function app.idempotent_result(text,uuid,text) from public, anon, authenticated, service_role;
