-- Triggers rather than grants alone: they stop the console (postgres, which bypasses grants and RLS) too, so
-- the ledger never changes once written and every correction is a visible reversing transfer.
create or replace function app.reject_ledger_change()
returns trigger language plpgsql set search_path = ''
as $function$
begin
  perform app.raise_error('forbidden', format(
    'The ledger is append-only (%s on %s refused): correct a mistake with a reversing transfer.', tg_op, tg_table_name
  ));
  return null;
end $function$;

comment on function app.reject_ledger_change() is 'Trigger: refuse UPDATE/DELETE/TRUNCATE on ledger tables.';

revoke all on function app.reject_ledger_change() from public, anon, authenticated, service_role;

create trigger credit_entries_append_only BEFORE DELETE OR UPDATE ON public.credit_entries FOR EACH ROW EXECUTE FUNCTION app.reject_ledger_change();

create trigger credit_entries_no_truncate BEFORE TRUNCATE ON public.credit_entries FOR EACH STATEMENT EXECUTE FUNCTION app.reject_ledger_change();

create trigger credit_transfers_append_only BEFORE DELETE OR UPDATE ON public.credit_transfers FOR EACH ROW EXECUTE FUNCTION app.reject_ledger_change();

create trigger credit_transfers_no_truncate BEFORE TRUNCATE ON public.credit_transfers FOR EACH STATEMENT EXECUTE FUNCTION app.reject_ledger_change();
