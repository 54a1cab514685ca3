-- The only writer of the ledger and of customer balances. Its order of work keeps the account lock short:
-- the transfer row is recorded under its idempotency key first (a concurrent insert of the same key waits on
-- the unique index for the first to finish, then gets the recorded transfer back), and only then are the
-- customer account(s) locked, through app.lock_account in id order, for the balance and entry writes.
-- insufficient_credits and the maximum balance undo the whole call. The maximum is checked under the lock, in
-- bigint so the sum itself cannot overflow. System accounts keep no balance column (their balance is the sum
-- of their entries), so they are never locked or updated here and charges on different accounts never queue
-- on one row. Whether a sender may go negative is the caller's explicit choice, and only a system account
-- may: a customer account never goes below zero, whatever the arguments say.
create or replace function app.transfer(p_from uuid, p_to uuid, p_amount integer, p_kind public.credit_transfer_kind, p_key text, p_created_by uuid, p_allow_negative boolean default false, p_note text default NULL::text, p_reference app.transfer_reference default NULL::app.transfer_reference, p_id uuid default NULL::uuid)
returns public.credit_transfers language plpgsql security definer set search_path = ''
as $function$
declare
  v_transfer public.credit_transfers;
  v_from public.accounts;
  v_to public.accounts;
  v_from_after integer;
  v_to_after integer;
  v_max integer;
begin
  if p_amount is null or p_amount <= 0 then
    perform app.raise_error('invalid_input', 'A transfer moves a positive number of credits.');
  end if;
  if p_from is null or p_to is null or p_from = p_to or p_kind is null or p_key is null or p_allow_negative is null then
    perform app.raise_error('invalid_input', 'A transfer needs two different accounts, a kind, an idempotency key and whether the sender may go negative.');
  end if;
  select * into v_from from public.accounts a where a.id = p_from;
  select * into v_to from public.accounts a where a.id = p_to;
  if v_from.id is null or v_to.id is null then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;
  if p_allow_negative and v_from.system_code is null then
    perform app.raise_error('invalid_input', format(
      'Only a system account may go below zero; customer account %s is never debited beyond its balance.', p_from));
  end if;
  if not p_allow_negative and v_from.system_code is not null then
    perform app.raise_error('invalid_input', format(
      'The system account %s keeps no balance to check: a debit from it must allow it to go negative.', v_from.system_code));
  end if;

  insert into public.credit_transfers (
    id, from_account_id, to_account_id, amount, kind, idempotency_key, order_id, ticket_id, note, created_by
  ) values (
    coalesce(p_id, gen_random_uuid()), p_from, p_to, p_amount, p_kind, p_key,
    (p_reference).order_id, (p_reference).ticket_id, p_note, p_created_by
  )
  on conflict (idempotency_key) do nothing
  returning * into v_transfer;
  if v_transfer.id is null then
    select * into v_transfer from public.credit_transfers t where t.idempotency_key = p_key;
    if (v_transfer.from_account_id, v_transfer.to_account_id, v_transfer.amount, v_transfer.kind)
       is distinct from (p_from, p_to, p_amount, p_kind) then
      perform app.raise_error('invalid_state', format('The idempotency key %s was already used for a different transfer.', p_key));
    end if;
    return v_transfer;
  end if;

  if v_from.system_code is null and v_to.system_code is null then
    if p_from < p_to then
      v_from := app.lock_account(p_from);
      v_to := app.lock_account(p_to);
    else
      v_to := app.lock_account(p_to);
      v_from := app.lock_account(p_from);
    end if;
  elsif v_from.system_code is null then
    v_from := app.lock_account(p_from);
  elsif v_to.system_code is null then
    v_to := app.lock_account(p_to);
  end if;
  if v_from.system_code is null and v_from.balance < p_amount then
    perform app.raise_error('insufficient_credits', format(
      'This needs %s but the balance is %s (%s missing).', app.credits_text(p_amount), v_from.balance, p_amount - v_from.balance
    ));
  end if;
  if v_to.system_code is null then
    v_max := app.max_balance();
    if v_to.balance::bigint + p_amount > v_max then
      perform app.raise_error('invalid_state', format(
        'Adding %s would take the balance to %s, above the maximum balance of %s (room for %s more).',
        app.credits_text(p_amount), v_to.balance::bigint + p_amount, app.credits_text(v_max), greatest(v_max - v_to.balance, 0)
      ));
    end if;
  end if;

  if v_from.system_code is null then
    update public.accounts set balance = balance - p_amount where id = p_from returning balance into v_from_after;
  end if;
  if v_to.system_code is null then
    update public.accounts set balance = balance + p_amount where id = p_to returning balance into v_to_after;
  end if;

  insert into public.credit_entries (transfer_id, account_id, amount, balance_after) values
    (v_transfer.id, p_from, -p_amount, v_from_after),
    (v_transfer.id, p_to, p_amount, v_to_after);
  return v_transfer;
end $function$;

comment on function app.transfer(uuid,uuid,integer,public.credit_transfer_kind,text,uuid,boolean,text,app.transfer_reference,uuid) is 'Post one idempotent double-entry transfer; the only writer of credit_transfers, credit_entries and accounts.balance. Only a system sender may go negative, and only when the caller allows it.';

revoke all on function app.transfer(uuid,uuid,integer,public.credit_transfer_kind,text,uuid,boolean,text,app.transfer_reference,uuid) from public, anon, authenticated, service_role;
