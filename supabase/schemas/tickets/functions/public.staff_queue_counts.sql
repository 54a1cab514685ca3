-- One call answers every status (zero included), so a status added to the enum is counted without a change
-- in the browser. Each count reads that status's partial index (tickets_queue_*_idx) alone.
create or replace function public.staff_queue_counts()
returns jsonb language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_counts jsonb := '{}';
  v_status public.ticket_status;
  v_count integer;
begin
  perform app.require_staff();
  -- One statement per status, its status a constant, so each count is planned on its partial index.
  foreach v_status in array enum_range(null::public.ticket_status) loop
    execute format('select count(*)::integer from public.tickets t where t.status = %L', v_status) into v_count;
    v_counts := v_counts || jsonb_build_object(v_status, v_count);
  end loop;
  return v_counts;
end $function$;

comment on function public.staff_queue_counts() is 'Staff: the number of tickets in each status, as {status: count} with every status present.';

revoke all on function public.staff_queue_counts() from public, anon, authenticated, service_role;
grant execute on function public.staff_queue_counts() to authenticated;
