-- Many charges waiting on one account's row lock do not form a queue: each waiter sleeps on the row version
-- it saw, every commit makes a new version, so they wake in herds and chase the update chain (Lock:tuple /
-- transactionid / LockManager waits, milliseconds per hand-over; bench/README.md). So a customer account is
-- locked first with a transaction-scoped advisory lock keyed on it (namespace 1 = accounts), a plain FIFO
-- queue, and only then the row, which nobody else is then waiting for. The row is taken FOR NO KEY UPDATE:
-- inserts elsewhere hold FOR KEY SHARE on the account through their foreign keys, and a full UPDATE lock would
-- deadlock against them. Everything that locks an account goes through here; two accounts are locked in id
-- order. Two accounts whose ids hash alike merely share a queue.
create or replace function app.lock_account(p_account_id uuid)
returns public.accounts language plpgsql security definer set search_path = ''
as $function$
declare
  v_account public.accounts;
begin
  perform pg_advisory_xact_lock(1, hashtext(p_account_id::text));
  select * into v_account from public.accounts a where a.id = p_account_id for no key update;
  return v_account;
end $function$;

comment on function app.lock_account(uuid) is 'Lock a customer account (advisory FIFO queue, then the row) until the transaction ends; returns the locked row.';

revoke all on function app.lock_account(uuid) from public, anon, authenticated, service_role;
