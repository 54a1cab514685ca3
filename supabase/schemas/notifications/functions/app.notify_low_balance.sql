-- Sent by the functions that debit a customer (charging a ticket, an admin's negative adjustment), not by
-- app.transfer, so the ledger knows nothing about notifications. Once per downward crossing of the
-- threshold, and only for a transfer posted in this transaction (created_at = now(), the transaction's
-- start): a retried call that got an existing transfer back from its idempotency key sent the notice the
-- first time.
create or replace function app.notify_low_balance(p_transfer public.credit_transfers)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_after integer;
  v_threshold integer;
begin
  if p_transfer.id is null or p_transfer.created_at <> now() then
    return;
  end if;
  select ce.balance_after into v_after from public.credit_entries ce
  where ce.transfer_id = p_transfer.id and ce.account_id = p_transfer.from_account_id;
  select a.low_balance_threshold into v_threshold from public.accounts a
  where a.id = p_transfer.from_account_id and a.system_code is null;
  if v_after is null or v_threshold is null or v_threshold = 0 then
    return;
  end if;
  if v_after + p_transfer.amount >= v_threshold and v_after < v_threshold then
    perform app.notify_account(
      p_transfer.from_account_id, 'low_balance', 'Your credit balance is low',
      format('Your balance is %s, below %s. Buy more so new tickets are not held up.', app.credits_text(v_after), v_threshold),
      jsonb_build_object('balance', v_after, 'threshold', v_threshold)
    );
  end if;
end $function$;

comment on function app.notify_low_balance(public.credit_transfers) is 'After a debit of a customer account: the low_balance notice when it crossed the account''s threshold.';

revoke all on function app.notify_low_balance(public.credit_transfers) from public, anon, authenticated, service_role;
