-- pg_net's objects with pg_net's names and shapes (its sql/pg_net.sql and upgrades up to 0.20), as SQL.
-- Where pg_net has C (URL encoding, waking its background worker) this file has SQL that behaves alike;
-- the worker is the local stack's (extensions/pg-net.ts): it LISTENs on `pg_net_wake`, which a request
-- function notifies — Postgres delivers a notification only when the transaction commits, so a request
-- made in a transaction that rolls back is never sent, as with pg_net.
-- Runs as the bootstrap superuser (a trusted extension), so everything here belongs to it, as on hosted.

\echo Use "CREATE EXTENSION pg_net" to load this file. \quit

create schema if not exists net;

create domain net.http_method as text
check (
  value ilike 'get'
  or value ilike 'post'
  or value ilike 'delete'
);

-- Requests waiting for the worker; it deletes each row as it takes it (pg_net's at-most-once).
create unlogged table net.http_request_queue(
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds int not null
);

create unlogged table net._http_response(
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out bool,
  error_msg text,
  created timestamptz not null default now()
);

create index on net._http_response (created);

create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');

create type net.http_response as (
  status_code integer,
  headers jsonb,
  body text
);

create type net.http_response_result as (
  status net.request_status,
  message text,
  response net.http_response
);

-- The worker connects with this application name; pg_net's worker is a backend of its own type.
create function net.check_worker_is_up() returns void
language plpgsql
as $$
begin
  if not exists (select 1 from pg_stat_activity where application_name = 'pg_net worker') then
    raise exception using
      message = 'the pg_net background worker is not up',
      detail = 'the pg_net background worker is down due to an internal error and cannot process requests',
      hint = 'make sure that you didn''t modify any of pg_net internal tables';
  end if;
end
$$;
comment on function net.check_worker_is_up() is 'raises an exception if the pg_net background worker is not up, otherwise it doesn''t return anything';

create function net.wake() returns void
language sql
as $$ select pg_notify('pg_net_wake', '') $$;

create function net.worker_restart() returns bool
language sql
as $$ select pg_notify('pg_net_wake', ''); select true $$;

create function net.wait_until_running() returns void
language plpgsql
as $$
begin
  for i in 1..200 loop
    if exists (select 1 from pg_stat_activity where application_name = 'pg_net worker') then
      return;
    end if;
    perform pg_sleep(0.05);
  end loop;
  perform net.check_worker_is_up();
end
$$;
comment on function net.wait_until_running() is 'waits until the worker is running';

create function net._await_response(request_id bigint) returns bool
language plpgsql
as $$
declare
  rec net._http_response;
begin
  while rec is null loop
    select * into rec from net._http_response where id = request_id;
    if rec is null then
      perform pg_sleep(0.05);
    end if;
  end loop;
  return true;
end;
$$;

-- As libcurl's curl_easy_escape: every byte but the unreserved characters is percent-encoded.
create function net._urlencode_string(string varchar) returns text
language sql
immutable
as $$
  select case when string is null then null else coalesce((
    select string_agg(
             case when b between 48 and 57 or b between 65 and 90 or b between 97 and 122 or b in (45, 46, 95, 126)
                  then chr(b) else '%' || upper(lpad(to_hex(b), 2, '0')) end,
             '' order by i)
    from (select i, get_byte(convert_to(string, 'UTF8'), i) as b
          from generate_series(0, octet_length(convert_to(string, 'UTF8')) - 1) as i) as bytes
  ), '') end
$$;

-- As pg_net's (libcurl's URL API): the URL must be absolute; params are appended to its query.
create function net._encode_url_with_params_array(url text, params_array text[]) returns text
language plpgsql
immutable
as $$
declare
  base text;
  fragment text;
begin
  if url is null or params_array is null then
    return null;
  end if;
  if url !~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#[:space:]]+([/?#][^[:space:]]*)?$' then
    raise exception 'invalid URL "%": Malformed input to a URL function', url;
  end if;
  params_array := array_remove(params_array, null);
  if cardinality(params_array) = 0 then
    return url;
  end if;
  base := split_part(url, '#', 1);
  fragment := substr(url, length(base) + 1);
  return base || case when position('?' in base) > 0 then '&' else '?' end || array_to_string(params_array, '&') || fragment;
end
$$;

create function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language plpgsql
as $$
declare
  request_id bigint;
  params_array text[];
begin
  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into params_array
  from jsonb_each_text(params);

  insert into net.http_request_queue(method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(url, params_array), headers, timeout_milliseconds)
  returning id into request_id;

  perform net.wake();
  return request_id;
end
$$;

create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds int default 5000
) returns bigint
language plpgsql
as $$
declare
  request_id bigint;
  params_array text[];
  content_type text;
begin
  select header_value into content_type
  from jsonb_each_text(coalesce(headers, '{}'::jsonb)) r(header_name, header_value)
  where lower(header_name) = 'content-type'
  limit 1;

  if content_type is null then
    select headers || '{"Content-Type": "application/json"}'::jsonb into headers;
  end if;

  if content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;

  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into params_array
  from jsonb_each_text(params);

  insert into net.http_request_queue(method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params_array(url, params_array), headers, convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;

  perform net.wake();
  return request_id;
end
$$;

create function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds int default 5000,
  body jsonb default null
) returns bigint
language plpgsql
as $$
declare
  request_id bigint;
  params_array text[];
begin
  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into params_array
  from jsonb_each_text(params);

  insert into net.http_request_queue(method, url, headers, body, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params_array(url, params_array), headers, convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;

  perform net.wake();
  return request_id;
end
$$;

create function net._http_collect_response(request_id bigint, async bool default true)
returns net.http_response_result
language plpgsql
as $$
declare
  rec net._http_response;
begin
  if not async then
    perform net._await_response(request_id);
  end if;

  select * into rec from net._http_response where id = request_id;

  if rec is null or rec.error_msg is not null then
    return ('ERROR', coalesce(rec.error_msg, 'request matching request_id not found'), null)::net.http_response_result;
  end if;

  return ('SUCCESS', 'ok', (rec.status_code, rec.headers, rec.content)::net.http_response)::net.http_response_result;
end;
$$;

create function net.http_collect_response(request_id bigint, async bool default true)
returns net.http_response_result
language plpgsql
as $$
begin
  raise notice 'The net.http_collect_response function is deprecated.';
  return net._http_collect_response(request_id, async);
end;
$$;

grant usage on schema net to public;
grant all on all sequences in schema net to public;
grant all on all tables in schema net to public;

-- What Supabase's image does when pg_net is created (its `grant_pg_net_access` event trigger): the
-- request functions run as their owner, so any API role may call them without rights on the tables.
alter function net.http_get(text, jsonb, jsonb, integer) security definer set search_path = net;
alter function net.http_post(text, jsonb, jsonb, jsonb, integer) security definer set search_path = net;
revoke all on function net.http_get(text, jsonb, jsonb, integer) from public;
revoke all on function net.http_post(text, jsonb, jsonb, jsonb, integer) from public;
grant execute on function net.http_get(text, jsonb, jsonb, integer) to postgres, anon, authenticated, service_role;
grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer) to postgres, anon, authenticated, service_role;
grant usage on schema net to postgres, anon, authenticated, service_role;

-- Supabase's webhooks set-up grants the same to the role that owns supabase_functions.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'supabase_functions_admin') then
    grant usage on schema net to supabase_functions_admin;
    grant execute on function net.http_get(text, jsonb, jsonb, integer) to supabase_functions_admin;
    grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer) to supabase_functions_admin;
  end if;
end
$$;
