create or replace function public.admin_mail_failures()
returns table(id bigint, kind text, to_email text, status text, attempts integer, last_error text, created_at timestamp with time zone, updated_at timestamp with time zone)
language plpgsql stable security definer set search_path = ''
as $function$
begin
  perform app.require_admin();
  return query
  select o.id, o.kind, o.to_email, o.status, o.attempts, o.last_error, o.created_at, o.updated_at
  from app.mail_outbox o
  where o.status in ('dead', 'unknown')
  order by o.updated_at desc, o.id desc
  limit 1000;
end $function$;

comment on function public.admin_mail_failures() is 'Admin: mails that failed for good (dead) or may not have gone out (unknown), newest first (at most 1000).';

revoke all on function public.admin_mail_failures() from public, anon, authenticated, service_role;
grant execute on function public.admin_mail_failures() to authenticated;
