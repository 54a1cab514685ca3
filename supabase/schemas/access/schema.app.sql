-- Private helpers live in their own schema, which the API does not expose, so nothing in it is reachable
-- through PostgREST.
create schema app;
comment on schema app is 'Private helpers for RLS policies and SQL functions; not exposed through the API.';
revoke all on schema app from public;
-- Policies call app.is_staff(), app.is_admin() and app.my_account_ids() as the requesting role, so that role
-- needs USAGE here, and EXECUTE on exactly those helpers (granted in their own files). Beyond them only
-- app.check_invariants() is granted, to service_role for the tests.
grant usage on schema app to authenticated;
grant usage on schema app to service_role;
