create or replace function app.personal_account_id(p_user_id uuid)
returns uuid language plpgsql stable security definer set search_path = ''
as $function$
begin
  return (
    select m.account_id from public.account_members m
    where m.user_id = p_user_id and m.role = 'owner'
    order by m.created_at, m.account_id
    limit 1
  );
end $function$;

revoke all on function app.personal_account_id(uuid) from public, anon, authenticated, service_role;
