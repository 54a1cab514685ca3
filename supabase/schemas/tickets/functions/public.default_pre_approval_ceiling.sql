-- For the new-ticket form to show the default before the customer chooses, without copying the number into
-- the browser.
create or replace function public.default_pre_approval_ceiling()
returns integer language sql stable security definer set search_path = ''
as $function$
  select app.default_pre_approval_ceiling()
$function$;

comment on function public.default_pre_approval_ceiling() is 'Signed-in users: the default pre-approval ceiling in credits (the dearest fixed category).';

revoke all on function public.default_pre_approval_ceiling() from public, anon, authenticated, service_role;
grant execute on function public.default_pre_approval_ceiling() to authenticated;
