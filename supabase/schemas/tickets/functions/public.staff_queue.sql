-- The queue's order and filters are rules of the support desk, so they live here and the browser asks for a
-- page. A page walks the status groups in queue order (what needs an engineer first: new, in progress, then
-- the tickets waiting for the customer, then the closed), each group in created_at order (open ones oldest
-- first, closed ones newest first) by keyset, never OFFSET. Each group is read by a statement naming its
-- status as a constant, so the planner picks that status's partial index (tickets_queue_*_idx in
-- tickets/tables/public.tickets.sql) and stops after the page: a page costs a short index range scan however
-- many tickets there are. No tie-breaker column on purpose: it would force reading and sorting the whole
-- group, and created_at is clock_timestamp() (microseconds).
create or replace function public.staff_queue(p_status text default 'open'::text, p_category text default NULL::text, p_assignee text default NULL::text, p_search text default NULL::text, p_cursor jsonb default NULL::jsonb, p_limit integer default 25)
returns jsonb language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_order constant public.ticket_status[] := array[
    'new', 'in_progress', 'awaiting_credits', 'awaiting_confirmation', 'resolved', 'declined', 'canceled'];
  v_statuses public.ticket_status[];
  v_category text := nullif(btrim(p_category), '');
  v_assignee text := nullif(btrim(p_assignee), '');
  v_assignee_id uuid;
  v_q text := regexp_replace(btrim(coalesce(p_search, '')), '^#', '');
  v_like text;
  v_number integer;
  v_customers uuid[];
  v_group integer := 0;
  v_after timestamptz;
  v_where text := '';
  v_status public.ticket_status;
  v_asc boolean;
  v_want integer;
  v_part jsonb;
  v_rows jsonb := '[]';
  v_next jsonb;
begin
  if p_limit is null or p_limit not between 1 and 100 then
    perform app.raise_error('invalid_input', 'A page holds 1 to 100 tickets.');
  end if;

  v_statuses := case
    when coalesce(p_status, 'open') = 'open' then array(select s from unnest(v_order) s where app.is_open(s))
    when p_status = 'all' then v_order
    when p_status = any (enum_range(null::public.ticket_status)::text[]) then array[p_status::public.ticket_status]
  end;
  if v_statuses is null then
    perform app.raise_error('invalid_input', format('The status filter is open, all or a ticket status, not %s.', p_status));
  end if;

  if v_category is not null then
    perform app.category(v_category); -- an unknown category is invalid_input
    v_where := v_where || ' and t.category = $1';
  end if;

  if v_assignee = 'mine' then
    v_assignee_id := v_uid;
  elsif v_assignee = 'none' then
    v_where := v_where || ' and t.assignee_id is null';
  elsif v_assignee ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    v_assignee_id := v_assignee::uuid;
  elsif v_assignee is not null then
    perform app.raise_error('invalid_input', 'The assignee filter is mine, none or a staff member''s id.');
  end if;
  if v_assignee_id is not null then
    v_where := v_where || ' and t.assignee_id = $2';
  end if;

  -- "#1001" or "1001" is a ticket number; text with an @ is part of the customer's e-mail; anything else
  -- is words of the subject.
  if length(v_q) > 200 then
    perform app.raise_error('invalid_input', 'The search can be at most 200 characters.');
  end if;
  v_like := '%' || replace(replace(replace(v_q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  if v_q ~ '^\d{1,9}$' then
    v_number := v_q::integer;
    v_where := v_where || ' and t.number = $3';
  elsif position('@' in v_q) > 0 then
    -- The people are found once, not once per status group.
    v_customers := array(select p.id from public.profiles p where p.email ilike v_like);
    v_where := v_where || ' and t.created_by = any ($7)';
  elsif v_q <> '' then
    v_where := v_where || ' and t.subject ilike $4';
  end if;

  if p_cursor is not null then
    begin
      v_group := (p_cursor ->> 'group')::integer;
      v_after := (p_cursor ->> 'after')::timestamptz;
    exception when others then
      v_group := null;
    end;
    if jsonb_typeof(p_cursor) <> 'object' or v_group is null or v_group not between 0 and cardinality(v_statuses) - 1 then
      perform app.raise_error('invalid_input', 'The cursor is not one this queue returned: start again from the first page.');
    end if;
  end if;

  while v_group < cardinality(v_statuses) loop
    v_status := v_statuses[v_group + 1];
    v_asc := app.is_open(v_status);
    v_want := p_limit - jsonb_array_length(v_rows);
    -- One extra row says whether this group has more.
    execute format(
      $sql$
      select coalesce(jsonb_agg(jsonb_build_object(
               'id', t.id, 'number', t.number, 'subject', t.subject, 'status', t.status, 'category', t.category,
               'quoted_credits', t.quoted_credits, 'charged_credits', t.charged_credits, 'pre_approved', t.pre_approved,
               'created_at', t.created_at, 'assignee_id', t.assignee_id, 'created_by', t.created_by,
               'account_id', t.account_id,
               -- Looked up per row of the page (a primary-key probe each), never joined to all profiles.
               'customer_email', (select c.email from public.profiles c where c.id = t.created_by),
               'assignee_name', (select coalesce(nullif(btrim(a.full_name), ''), a.email)
                                 from public.profiles a where a.id = t.assignee_id)
             ) order by t.created_at %1$s), '[]')
      from (
        select t.* from public.tickets t
        where t.status = %2$L %3$s %4$s
        order by t.created_at %1$s
        limit $6
      ) t
      $sql$,
      case when v_asc then 'asc' else 'desc' end,
      v_status,
      v_where,
      case when v_after is null then '' when v_asc then 'and t.created_at > $5' else 'and t.created_at < $5' end)
    into v_part
    using v_category, v_assignee_id, v_number, v_like, v_after, v_want + 1, v_customers;

    if jsonb_array_length(v_part) > v_want then
      v_rows := v_rows || jsonb_path_query_array(v_part, '$[0 to last - 1]');
      v_next := jsonb_build_object('group', v_group, 'after', v_part -> (v_want - 1) -> 'created_at');
      exit;
    end if;
    v_rows := v_rows || v_part;
    v_group := v_group + 1;
    v_after := null;
    if jsonb_array_length(v_rows) = p_limit then
      if v_group < cardinality(v_statuses) then
        v_next := jsonb_build_object('group', v_group, 'after', null);
      end if;
      exit;
    end if;
  end loop;

  return jsonb_build_object('rows', v_rows, 'next', v_next);
end $function$;

comment on function public.staff_queue(text,text,text,text,jsonb,integer) is 'Staff: one page of the support queue — p_status open | all | a status, p_category, p_assignee mine | none | a staff id, p_search (#number, part of the customer''s e-mail, or subject words), p_cursor (the previous page''s next), p_limit 1–100. Returns {rows, next}; next is null on the last page.';

revoke all on function public.staff_queue(text,text,text,text,jsonb,integer) from public, anon, authenticated, service_role;
grant execute on function public.staff_queue(text,text,text,text,jsonb,integer) to authenticated;
