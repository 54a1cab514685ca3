-- A trigger rather than each function setting updated_at, so it stays honest whoever writes, the console
-- included.
create or replace function app.touch_updated_at()
returns trigger language plpgsql set search_path = ''
as $function$
begin
  new.updated_at := now();
  return new;
end $function$;

comment on function app.touch_updated_at() is 'BEFORE UPDATE trigger: set updated_at = now().';

revoke all on function app.touch_updated_at() from public, anon, authenticated, service_role;

create trigger accounts_touch_updated_at BEFORE UPDATE ON public.accounts FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger credit_packages_touch_updated_at BEFORE UPDATE ON public.credit_packages FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger orders_touch_updated_at BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger product_releases_touch_updated_at BEFORE UPDATE ON public.product_releases FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger profiles_touch_updated_at BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger reviews_touch_updated_at BEFORE UPDATE ON public.reviews FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger ticket_categories_touch_updated_at BEFORE UPDATE ON public.ticket_categories FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

create trigger tickets_touch_updated_at BEFORE UPDATE ON public.tickets FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
