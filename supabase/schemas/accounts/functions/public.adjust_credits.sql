-- The idempotency key is required, so a double click cannot apply an adjustment twice (two ledger rows): the
-- ledger transfer is keyed by it (adjustment:<key>) and app.idempotent_result returns the first result to a
-- repeat. Credits come from the adjustments system account, which may go negative. A negative adjustment is a
-- debit of the customer, so it sends the low-balance notice; a positive one charges tickets waiting for
-- credits, whose rows are locked before the account (lock order tickets -> account).
create or replace function public.adjust_credits(p_account_id uuid, p_amount integer, p_note text, p_idempotency_key text)
returns public.credit_transfers language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_admin();
  v_prior jsonb;
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_transfer public.credit_transfers;
begin
  if p_idempotency_key is null then
    perform app.raise_error('invalid_input', 'Give an idempotency key (a fresh UUID per adjustment), so a repeated request is applied once.');
  end if;
  v_prior := app.idempotent_result(p_idempotency_key, v_uid, 'adjust_credits');
  if v_prior is not null then
    return jsonb_populate_record(null::public.credit_transfers, v_prior);
  end if;
  if p_amount is null or p_amount = 0 or abs(p_amount) > 1000000 then
    perform app.raise_error('invalid_input', 'Adjust by a non-zero number of credits up to 1000000 either way.');
  end if;
  if p_account_id is null or not exists (
    select 1 from public.accounts a where a.id = p_account_id and a.system_code is null
  ) then
    perform app.raise_error('not_found', 'There is no such customer account.');
  end if;

  if p_amount > 0 then
    perform 1 from public.tickets t
    where t.account_id = p_account_id and t.status = 'awaiting_credits'
    order by t.created_at, t.number
    for no key update;
    v_transfer := app.transfer(app.system_account_id('adjustments'), p_account_id, p_amount, 'adjustment',
      format('adjustment:%s', p_idempotency_key), v_uid, p_allow_negative => true, p_note => v_note);
    perform app.notify_account(p_account_id, 'credits_added', format('%s added', app.credits_text(p_amount)), v_note,
      jsonb_build_object('credits', p_amount, 'transfer_id', v_transfer.id));
    perform app.charge_awaiting_tickets(p_account_id);
  else
    v_transfer := app.transfer(p_account_id, app.system_account_id('adjustments'), -p_amount, 'adjustment',
      format('adjustment:%s', p_idempotency_key), v_uid, p_note => v_note);
    perform app.notify_low_balance(v_transfer);
  end if;
  perform app.remember_result(p_idempotency_key, v_uid, 'adjust_credits', to_jsonb(v_transfer));
  return v_transfer;
end $function$;

comment on function public.adjust_credits(uuid,integer,text,text) is 'Admin: add (+) or remove (−) credits with a note (3–500) and an idempotency key; cannot overdraw or exceed the maximum balance. A repeated key returns the first transfer.';

revoke all on function public.adjust_credits(uuid,integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.adjust_credits(uuid,integer,text,text) to authenticated;
