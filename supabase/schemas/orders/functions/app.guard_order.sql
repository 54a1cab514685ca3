-- A trigger, so the rules hold whoever writes orders (the service role, the console): new orders are
-- pending and bought by a member of the account; what was bought and for how much never changes; the status
-- moves only inside the payment functions (pending -> paid | failed, failed -> paid: a payment that still
-- arrives for a retired order is credited), and a paid order must have its purchase transfer.
create or replace function app.guard_order()
returns trigger language plpgsql security definer set search_path = ''
as $function$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' or new.paid_at is not null or new.provider_payment_id is not null then
      perform app.raise_error('invalid_input', 'New orders are pending; payment is recorded by service_role_fulfil_order.');
    end if;
    if new.user_id is null or not exists (
      select 1 from public.account_members m where m.account_id = new.account_id and m.user_id = new.user_id
    ) then
      perform app.raise_error('invalid_input', 'The buyer must be a member of the account credited.');
    end if;
    return new;
  end if;

  if (new.id, new.account_id, new.package_id, new.credits, new.amount_cents, new.currency, new.created_at)
     is distinct from (old.id, old.account_id, old.package_id, old.credits, old.amount_cents, old.currency, old.created_at)
     or (new.user_id is distinct from old.user_id and new.user_id is not null) then
    perform app.raise_error('forbidden', 'What an order bought and its price never change.');
  end if;
  if new.status is distinct from old.status
     or new.paid_at is distinct from old.paid_at
     or new.provider_payment_id is distinct from old.provider_payment_id then
    if coalesce(current_setting('app.order_payment', true), '') <> new.id::text then
      perform app.raise_error('forbidden', 'Order status changes only through service_role_fulfil_order or service_role_fail_order.');
    end if;
    if old.status = 'paid' then
      perform app.raise_error('invalid_state', 'A paid order stays paid.');
    end if;
    if new.status = 'paid' and not exists (
      select 1 from public.credit_transfers t where t.order_id = new.id and t.kind = 'purchase'
    ) then
      perform app.raise_error('invalid_state', 'A paid order needs its purchase transfer.');
    end if;
  end if;
  return new;
end $function$;

revoke all on function app.guard_order() from public, anon, authenticated, service_role;

create trigger orders_guard BEFORE INSERT OR UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION app.guard_order();
