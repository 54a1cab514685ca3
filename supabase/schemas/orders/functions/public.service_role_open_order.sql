-- Credits and price are copied from the package here, never taken from the caller. The account's pending
-- order is reused while it is recent (15 minutes), the same buyer's and at the package's current terms, so
-- repeated and simultaneous clicks all get the same order; a stale one is retired first. A concurrent insert
-- of the same order makes ours do nothing (orders_one_open_per_package), and the loop returns the one that
-- won.
create or replace function public.service_role_open_order(p_user_id uuid, p_package_id uuid, p_provider text)
returns public.orders language plpgsql security definer set search_path = ''
as $function$
declare
  v_package public.credit_packages;
  v_account_id uuid;
  v_order public.orders;
begin
  if p_user_id is null or p_package_id is null then
    perform app.raise_error('invalid_input', 'Give the buyer and the package.');
  end if;
  if p_provider is null or p_provider not in ('test', 'stripe') then
    perform app.raise_error('invalid_input', 'The payment provider is "test" or "stripe".');
  end if;
  select * into v_package from public.credit_packages p where p.id = p_package_id;
  if v_package.id is null then
    perform app.raise_error('not_found', 'There is no such credit package.');
  end if;
  if not v_package.active then
    perform app.raise_error('invalid_state', format('The %s package is no longer on sale.', v_package.name));
  end if;
  v_account_id := app.personal_account_id(p_user_id);
  if v_account_id is null then
    perform app.raise_error('forbidden', 'Your sign-in has no credit account to add credits to. Please contact support.');
  end if;

  for attempt in 1..5 loop
    select * into v_order from public.orders o
    where o.account_id = v_account_id and o.package_id = p_package_id and o.status = 'pending'
    for no key update;
    if v_order.id is not null then
      if v_order.user_id = p_user_id and v_order.provider = p_provider
         and (v_order.credits, v_order.amount_cents, v_order.currency) = (v_package.credits, v_package.price_cents, v_package.currency)
         and v_order.created_at > now() - interval '15 minutes' then
        return v_order;
      end if;
      perform public.service_role_fail_order(v_order.id, 'Replaced by a newer checkout of the same package.');
    end if;

    insert into public.orders (account_id, user_id, package_id, credits, amount_cents, currency, provider)
    values (v_account_id, p_user_id, p_package_id, v_package.credits, v_package.price_cents, v_package.currency, p_provider)
    on conflict (account_id, package_id) where status = 'pending' do nothing
    returning * into v_order;
    if v_order.id is not null then
      return v_order;
    end if;
    -- Another checkout inserted the open order first (and has committed): look again and take it.
  end loop;
  -- Not a state of the package or the order: a 500 the customer may retry, not a refusal in words.
  raise exception 'service_role_open_order: checkouts of package % for account % kept colliding', p_package_id, v_account_id;
end $function$;

comment on function public.service_role_open_order(uuid,uuid,text) is 'Service role: the one pending order of the buyer''s own account for a package (reused for 15 minutes by the same buyer, else replaced); refuses unknown packages (not_found), packages off sale (invalid_state) and buyers without a wallet (forbidden).';

revoke all on function public.service_role_open_order(uuid,uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_open_order(uuid,uuid,text) to service_role;
