-- pg_cron's objects with pg_cron's names and shapes (its pg_cron.sql and upgrades up to 1.6), as SQL.
-- The scheduler is the local stack's (extensions/pg-cron.ts). Where pg_cron has C, this file has
-- SQL: the schedule parser (one parser, used both to refuse a bad schedule and by the scheduler to
-- decide what is due) and the job functions, which run as the caller and rely on cron.job's row
-- security to keep each role to its own jobs (pg_cron's C functions write the table as its owner).
-- Runs as the bootstrap superuser (a trusted extension), so everything here belongs to it, as on hosted.

\echo Use "CREATE EXTENSION pg_cron" to load this file. \quit

create schema cron;

create sequence cron.jobid_seq;

create table cron.job (
  jobid bigint primary key default pg_catalog.nextval('cron.jobid_seq'),
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport int not null default pg_catalog.inet_server_port(),
  database text not null default pg_catalog.current_database(),
  username text not null default current_user,
  active boolean not null default 'true',
  jobname text
);
alter table cron.job enable row level security;
create policy cron_job_policy on cron.job using (username operator(pg_catalog.=) current_user);
create unique index jobname_username_idx on cron.job (jobname, username);
alter table cron.job add constraint jobname_username_uniq unique using index jobname_username_idx;

create sequence cron.runid_seq;
create table cron.job_run_details (
  jobid bigint,
  runid bigint primary key default pg_catalog.nextval('cron.runid_seq'),
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);
alter table cron.job_run_details enable row level security;
create policy cron_job_run_details_policy on cron.job_run_details using (username operator(pg_catalog.=) current_user);

select pg_catalog.pg_extension_config_dump('cron.job', '');
select pg_catalog.pg_extension_config_dump('cron.jobid_seq', '');
select pg_catalog.pg_extension_config_dump('cron.job_run_details', '');
select pg_catalog.pg_extension_config_dump('cron.runid_seq', '');

-- The values one cron field allows (`*`, `n`, `n-m`, `*/s`, `n-m/s`, `n/s`, lists, names), or null
-- when the field is not valid.
create function cron._field_values(field text, lo int, hi int, names text[] default null)
returns int[]
language plpgsql
immutable
set search_path = pg_catalog
as $$
declare
  part text;
  m text[];
  a int;
  b int;
  step int;
  result int[] := '{}';
  item text;
begin
  if field is null or field = '' then
    return null;
  end if;
  foreach part in array string_to_array(lower(field), ',') loop
    m := regexp_match(part, '^(\*|[0-9a-z]+)(?:-([0-9a-z]+))?(?:/([0-9]+))?$');
    if m is null then
      return null;
    end if;
    if m[1] = '*' then
      if m[2] is not null then
        return null;
      end if;
      a := lo;
      b := hi;
    else
      foreach item in array array_remove(array[m[1], m[2]], null) loop
        if item !~ '^[0-9]+$' and (names is null or array_position(names, item) is null) then
          return null;
        end if;
      end loop;
      a := case when m[1] ~ '^[0-9]+$' then m[1]::int else array_position(names, m[1]) - 1 + lo end;
      b := case when m[2] is null then (case when m[3] is null then a else hi end)
                when m[2] ~ '^[0-9]+$' then m[2]::int
                else array_position(names, m[2]) - 1 + lo end;
    end if;
    step := coalesce(m[3]::int, 1);
    if a < lo or b > hi or a > b or step < 1 then
      return null;
    end if;
    result := result || array(select generate_series(a, b, step));
  end loop;
  return result;
end
$$;

-- The five fields of a cron schedule (or its @-name), or null when it is not one.
create function cron._cron_fields(schedule text)
returns text[]
language sql
immutable
set search_path = pg_catalog
as $$
  select case lower(btrim(schedule))
    when '@yearly' then array['0', '0', '1', '1', '*']
    when '@annually' then array['0', '0', '1', '1', '*']
    when '@monthly' then array['0', '0', '1', '*', '*']
    when '@weekly' then array['0', '0', '*', '*', '0']
    when '@daily' then array['0', '0', '*', '*', '*']
    when '@midnight' then array['0', '0', '*', '*', '*']
    when '@hourly' then array['0', '*', '*', '*', '*']
    else (
      select case when cardinality(f) = 5
        and cron._field_values(f[1], 0, 59) is not null
        and cron._field_values(f[2], 0, 23) is not null
        and (f[3] = '$' or cron._field_values(f[3], 1, 31) is not null)
        and cron._field_values(f[4], 1, 12, array['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']) is not null
        and cron._field_values(f[5], 0, 7, array['sun','mon','tue','wed','thu','fri','sat']) is not null
        then f end
      from regexp_split_to_array(btrim(schedule), '\s+') as f
    )
  end
$$;

-- pg_cron's interval schedule, `[1-59] seconds` (or `second`): its seconds, else null.
create function cron._schedule_seconds(schedule text)
returns int
language sql
immutable
set search_path = pg_catalog
as $$
  select n from (select (regexp_match(lower(schedule), '^\s*([0-9]{1,9})\s*seconds?\s*$'))[1]::int as n) s
  where n between 1 and 59
$$;

create function cron._validate_schedule(schedule text)
returns void
language plpgsql
immutable
set search_path = pg_catalog
as $$
begin
  if cron._schedule_seconds(schedule) is null and lower(btrim(schedule)) <> '@reboot' and cron._cron_fields(schedule) is null then
    raise exception using
      errcode = 'invalid_parameter_value',
      message = format('invalid schedule: %s', schedule),
      hint = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
  end if;
end
$$;

-- Whether a cron schedule fires in the minute `at` falls in (read in UTC, pg_cron's default
-- cron.timezone). Day of month and day of week: both must match when either is `*`, else either may.
create function cron._schedule_matches(schedule text, at timestamptz)
returns boolean
language plpgsql
stable
set search_path = pg_catalog
as $$
declare
  f text[] := cron._cron_fields(schedule);
  t timestamp := at at time zone 'UTC';
  dom_ok boolean;
  dow_ok boolean;
  days int[];
begin
  if f is null then
    return false;
  end if;
  if not (extract(minute from t)::int = any(cron._field_values(f[1], 0, 59))
          and extract(hour from t)::int = any(cron._field_values(f[2], 0, 23))
          and extract(month from t)::int = any(cron._field_values(f[4], 1, 12, array['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']))) then
    return false;
  end if;
  dom_ok := case when f[3] = '$' then (t::date + 1) = (date_trunc('month', t) + interval '1 month')::date
                 else extract(day from t)::int = any(cron._field_values(f[3], 1, 31)) end;
  days := cron._field_values(f[5], 0, 7, array['sun','mon','tue','wed','thu','fri','sat']);
  dow_ok := extract(dow from t)::int = any(days) or (extract(dow from t)::int = 0 and 7 = any(days));
  if f[3] like '*%' or f[5] like '*%' then
    return dom_ok and dow_ok;
  end if;
  return dom_ok or dow_ok;
end
$$;

create function cron.job_cache_invalidate() returns trigger
language plpgsql
as $$
begin
  perform pg_catalog.pg_notify('cron_job_cache_invalidate', '');
  return null;
end
$$;
comment on function cron.job_cache_invalidate() is 'invalidate job cache';

create trigger cron_job_cache_invalidate
  after insert or update or delete or truncate
  on cron.job
  for statement execute procedure cron.job_cache_invalidate();

-- pg_cron's functions let only a superuser give a job another role; here a role may also write
-- cron.job itself (and `postgres` bypasses row security), so the rule and the schedule check live on
-- the table. The function runs as the writer, so current_user is the writer.
create function cron._job_guard() returns trigger
language plpgsql
set search_path = pg_catalog
as $$
begin
  if new.username is distinct from current_user
     and not coalesce((select rolsuper from pg_roles where rolname = current_user), false) then
    raise exception 'must be superuser to create or change a job of another role';
  end if;
  perform cron._validate_schedule(new.schedule);
  return new;
end
$$;

create trigger cron_job_guard
  before insert or update
  on cron.job
  for each row execute procedure cron._job_guard();

create function cron.schedule(schedule text, command text)
returns bigint
language plpgsql
strict
set search_path = pg_catalog
as $$
declare
  id bigint;
begin
  perform cron._validate_schedule(schedule);
  insert into cron.job (schedule, command, nodename, nodeport, database, username, active)
  values (schedule, command, 'localhost', current_setting('port')::int, current_database(), current_user, true)
  returning jobid into id;
  return id;
end
$$;
comment on function cron.schedule(text, text) is 'schedule a pg_cron job';

create function cron.schedule(job_name text, schedule text, command text)
returns bigint
language plpgsql
set search_path = pg_catalog
as $$
declare
  id bigint;
begin
  if job_name is null then raise exception 'job_name can not be NULL'; end if;
  if schedule is null then raise exception 'schedule can not be NULL'; end if;
  if command is null then raise exception 'command can not be NULL'; end if;
  perform cron._validate_schedule(schedule);
  insert into cron.job (schedule, command, nodename, nodeport, database, username, active, jobname)
  values (schedule, command, 'localhost', current_setting('port')::int, current_database(), current_user, true, job_name)
  on conflict on constraint jobname_username_uniq
  do update set schedule = excluded.schedule, command = excluded.command, database = excluded.database
  returning jobid into id;
  return id;
end
$$;
comment on function cron.schedule(text, text, text) is 'schedule a pg_cron job';

create function cron.schedule_in_database(job_name text, schedule text, command text, database text,
                                          username text default null, active boolean default 'true')
returns bigint
language plpgsql
set search_path = pg_catalog
as $$
declare
  id bigint;
begin
  if job_name is null then raise exception 'job_name can not be NULL'; end if;
  if schedule is null then raise exception 'schedule can not be NULL'; end if;
  if command is null then raise exception 'command can not be NULL'; end if;
  perform cron._validate_schedule(schedule);
  if username is not null and username <> current_user then
    if not (select rolsuper from pg_roles where rolname = current_user) then
      raise exception 'must be superuser to create a job for another role';
    end if;
    if not exists (select 1 from pg_roles where rolname = username) then
      raise exception 'role "%" does not exist', username;
    end if;
    if not (select rolcanlogin from pg_roles where rolname = username) then
      raise exception 'role "%" can not log in', username
        using detail = 'Jobs may only be run by roles that have the LOGIN attribute.';
    end if;
  end if;
  if database is not null and not exists (select 1 from pg_database d where d.datname = database) then
    raise exception 'database "%" does not exist', database;
  end if;
  insert into cron.job (schedule, command, nodename, nodeport, database, username, active, jobname)
  values (schedule, command, 'localhost', current_setting('port')::int, coalesce(database, current_database()),
          coalesce(username, current_user), coalesce(active, true), job_name)
  on conflict on constraint jobname_username_uniq
  do update set schedule = excluded.schedule, command = excluded.command, database = excluded.database,
                active = excluded.active
  returning jobid into id;
  return id;
end
$$;
comment on function cron.schedule_in_database(text, text, text, text, text, boolean) is 'schedule a pg_cron job';

create function cron.unschedule(job_id bigint)
returns bool
language plpgsql
strict
set search_path = pg_catalog
as $$
begin
  delete from cron.job where jobid = job_id;
  if not found then
    raise exception 'could not find valid entry for job %', job_id;
  end if;
  return true;
end
$$;
comment on function cron.unschedule(bigint) is 'unschedule a pg_cron job';

create function cron.unschedule(job_name text)
returns bool
language plpgsql
strict
set search_path = pg_catalog
as $$
begin
  delete from cron.job where jobname = job_name and username = current_user;
  if not found then
    raise exception 'could not find valid entry for job ''%''', job_name;
  end if;
  return true;
end
$$;
comment on function cron.unschedule(text) is 'unschedule a pg_cron job';

create function cron.alter_job(job_id bigint, schedule text default null, command text default null,
                               database text default null, username text default null, active boolean default null)
returns void
language plpgsql
set search_path = pg_catalog
as $$
begin
  if job_id is null then raise exception 'job_id can not be NULL'; end if;
  if schedule is null and command is null and database is null and username is null and active is null then
    raise exception 'no updates specified'
      using hint = 'You must specify at least one job attribute to change when calling alter_job';
  end if;
  if schedule is not null then
    perform cron._validate_schedule(schedule);
  end if;
  if username is not null and username <> current_user then
    if not (select rolsuper from pg_roles where rolname = current_user) then
      raise exception 'must be superuser to alter username';
    end if;
    if not exists (select 1 from pg_roles where rolname = username) then
      raise exception 'role "%" does not exist', username;
    end if;
  end if;
  if database is not null and not exists (select 1 from pg_database d where d.datname = database) then
    raise exception 'database "%" does not exist', database;
  end if;
  update cron.job j
  set schedule = coalesce(alter_job.schedule, j.schedule),
      command = coalesce(alter_job.command, j.command),
      database = coalesce(alter_job.database, j.database),
      username = coalesce(alter_job.username, j.username),
      active = coalesce(alter_job.active, j.active)
  where j.jobid = job_id;
  if not found then
    raise exception 'could not find valid entry for job %', job_id;
  end if;
end
$$;
comment on function cron.alter_job(bigint, text, text, text, text, boolean) is 'Alter the job identified by job_id. Any option left as NULL will not be modified.';

grant select on cron.job to public;
grant select, delete on cron.job_run_details to public;
grant select on sequence cron.jobid_seq to public;
grant select on sequence cron.runid_seq to public;
revoke all on function cron.alter_job(bigint, text, text, text, text, boolean) from public;
revoke all on function cron.schedule_in_database(text, text, text, text, text, boolean) from public;

-- What Supabase's image grants when pg_cron is created (its `grant_pg_cron_access` event trigger). On
-- hosted, `postgres` may only read cron.job and writes it through pg_cron's C functions, which act as
-- the extension's owner; these functions act as their caller, so the caller may write its own rows
-- (row security keeps it to them) and take job ids.
grant usage on schema cron to postgres with grant option;
grant all on all functions in schema cron to postgres with grant option;
grant all privileges on all tables in schema cron to postgres with grant option;
grant usage on sequence cron.jobid_seq to postgres;
