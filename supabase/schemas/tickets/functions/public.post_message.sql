create or replace function public.post_message(p_ticket_id uuid, p_body text, p_internal boolean default false)
returns public.ticket_messages language plpgsql security definer set search_path = ''
as $function$
begin
  return app.post_message(app.require_user(), p_ticket_id, p_body, p_internal);
end $function$;

comment on function public.post_message(uuid,text,boolean) is 'Post a message (body 1–20000). Internal notes: staff only. Customers: own open tickets only.';

revoke all on function public.post_message(uuid,text,boolean) from public, anon, authenticated, service_role;
grant execute on function public.post_message(uuid,text,boolean) to authenticated;
