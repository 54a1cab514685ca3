/**
 * Section - Opening an order in SQL, from the buyer and the package alone
 * Why: the checkout function read the package (unknown? off sale?) and the buyer's wallet itself and
 * passed the account to service_role_open_order, so two rules of a purchase lived in TypeScript: which
 * packages may be bought, and which account the credits go to. The function now takes the buyer, the
 * package and the provider only, and decides both; the checkout function keeps only what needs Stripe.
 */

drop function public.service_role_open_order(uuid, uuid, uuid, text);

/**
 * The order to pay for one package, credited to the buyer's own wallet (the account they own, made for
 * them at sign-up). The package must exist (not_found) and be on sale (invalid_state); a buyer without a
 * wallet is forbidden. Then: the account's pending order for the package when it is recent (15 minutes),
 * the same buyer's, at the package's current credits, price and provider, so repeated and simultaneous
 * clicks all get the same order; otherwise a new one, after retiring the stale pending order. Credits and
 * price are copied from the package here, never taken from the caller. A concurrent insert of the same
 * order makes ours do nothing (orders_one_open_per_package), and the loop then returns the one that won.
 */
create function public.service_role_open_order(p_user_id uuid, p_package_id uuid, p_provider text)
returns public.orders
language plpgsql security definer set search_path = '' as $$
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
end $$;
comment on function public.service_role_open_order(uuid, uuid, text) is 'Service role: the one pending order of the buyer''s own account for a package (reused for 15 minutes by the same buyer, else replaced); refuses unknown packages (not_found), packages off sale (invalid_state) and buyers without a wallet (forbidden).';
revoke execute on function public.service_role_open_order(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.service_role_open_order(uuid, uuid, text) to service_role;
