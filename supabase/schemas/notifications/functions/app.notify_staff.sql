-- Staff events with no one person in charge (a new ticket, a reply on an unassigned ticket, a payment to
-- review) go to everyone in the given roles. p_except leaves out the person who caused the event. A staff
-- account deleted while this runs (the select saw it; the delete commits before the insert's foreign-key
-- check) gets nothing, instead of failing the customer's action that caused the event.
create or replace function app.notify_staff(p_roles public.app_role[], p_kind text, p_title text, p_body text, p_ticket_id uuid default NULL::uuid, p_data jsonb default '{}'::jsonb, p_except uuid default NULL::uuid)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_user uuid;
begin
  for v_user in
    select p.id from public.profiles p
    where p.role = any (p_roles) and p.id is distinct from p_except
    order by p.id
  loop
    begin
      perform app.notify(v_user, p_kind, p_title, p_body, p_ticket_id, p_data);
    exception when foreign_key_violation then
      null;
    end;
  end loop;
end $function$;

comment on function app.notify_staff(public.app_role[],text,text,text,uuid,jsonb,uuid) is 'Insert a notification (and its mail) for everyone in the given staff roles, except p_except.';

revoke all on function app.notify_staff(public.app_role[],text,text,text,uuid,jsonb,uuid) from public, anon, authenticated, service_role;
