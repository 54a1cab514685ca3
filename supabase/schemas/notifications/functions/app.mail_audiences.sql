-- Whose choice a kind is: customers choose for customer mails; engineers for staff mails; admins for staff
-- and admin mails. Kinds outside a person's audiences are not sent to them, so a choice there would mean
-- nothing.
create or replace function app.mail_audiences(p_user_id uuid)
returns text[] language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_role public.app_role;
begin
  select p.role into v_role from public.profiles p where p.id = p_user_id;
  return case v_role
    when 'customer' then array['customer']
    when 'engineer' then array['staff']
    when 'admin' then array['staff', 'admin']
    else array[]::text[]
  end;
end $function$;

comment on function app.mail_audiences(uuid) is 'The mail audiences (customer, staff, admin) whose optional kinds a person chooses the delivery of.';

revoke all on function app.mail_audiences(uuid) from public, anon, authenticated, service_role;
